/** Where DSFR's distribution is served, and the files of it that every page loads (components/layout.tsx). */
export const DSFR_PREFIX = '/assets/dsfr/';

const pageFile = (path: string, contentType: string) => ({ path, contentType, href: `${DSFR_PREFIX}${path}` });

/** Sent compressed (compressed-files.ts): the two stylesheets hold the first paint. */
export const DSFR_PAGE_FILES = {
  stylesheet: pageFile('dsfr.min.css', 'text/css; charset=utf-8'),
  script: pageFile('dsfr.module.min.js', 'text/javascript; charset=utf-8'),
};
