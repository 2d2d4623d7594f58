/** Where DSFR's distribution is served, and the files of it that every page loads (components/layout.tsx). */
export const DSFR_PREFIX = '/assets/dsfr/';

/** Sent compressed (compressed-files.ts): the two stylesheets hold the first paint. */
export const DSFR_PAGE_FILES = {
  stylesheet: { path: 'dsfr.min.css', contentType: 'text/css; charset=utf-8' },
  icons: { path: 'utility/icons/icons.min.css', contentType: 'text/css; charset=utf-8' },
  script: { path: 'dsfr.module.min.js', contentType: 'text/javascript; charset=utf-8' },
} as const;

export const dsfrHref = (file: keyof typeof DSFR_PAGE_FILES) => `${DSFR_PREFIX}${DSFR_PAGE_FILES[file].path}`;
