/**
 * Where DSFR's distribution is served, and its script, which every page loads (assets/main.ts).
 * Its stylesheets are served cut to what the pages use, under hashed names (assets.ts).
 */
export const DSFR_PREFIX = '/assets/dsfr/';

const pageFile = (path: string, contentType: string) => ({ path, contentType, href: `${DSFR_PREFIX}${path}` });

/** Sent compressed (compressed-files.ts). */
export const DSFR_PAGE_FILES = {
  script: pageFile('dsfr.module.min.js', 'text/javascript; charset=utf-8'),
};
