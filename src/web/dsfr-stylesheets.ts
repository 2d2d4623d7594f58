import type { SourceFile } from '../source-files.js';

/**
 * DSFR's stylesheets, cut to what the portal's pages use: a parent's first visit waits for them
 * before anything shows. DSFR's main stylesheet styles some twenty components the portal never
 * renders (tabs, tags, tooltips, the consent banner…), and its icon stylesheet 1,600 icons where
 * the portal uses about forty. What is kept is chosen as a CSS purge chooses, from the class names
 * written in the portal's source: DSFR's classes are written whole in the pages (never composed).
 */
const DSFR_CLASS = /\bfr-[a-z0-9_-]*[a-z0-9]/g;
const ICON_CLASS = /^fr-(?:icon|fi)-/;

/**
 * The blocks of the DSFR components no page renders, with the blocks only they style: a selector
 * naming one of them (or one of its elements and modifiers) goes. A test checks that the source
 * names none of them.
 */
export const UNUSED_COMPONENT_BLOCKS = new Set([
  'fr-accordion',
  'fr-accordions-group',
  'fr-breadcrumb',
  'fr-connect',
  'fr-connect-group',
  'fr-consent-banner',
  'fr-consent-manager',
  'fr-consent-placeholder',
  'fr-consent-service',
  'fr-consent-services',
  'fr-content-media',
  'fr-download',
  'fr-downloads-group',
  'fr-follow',
  'fr-logo',
  'fr-notice',
  'fr-password',
  'fr-placement',
  'fr-quote',
  'fr-range',
  'fr-range-group',
  'fr-responsive-vid',
  'fr-search-bar',
  'fr-segmented',
  'fr-share',
  'fr-sidemenu',
  'fr-stepper',
  'fr-tabs',
  'fr-tag',
  'fr-tags-group',
  'fr-tooltip',
  'fr-toggle',
  'fr-transcription',
  'fr-translate',
]);

/** A DSFR class's block: `fr-card` for `fr-card__title` and `fr-card--download`. */
export function blockOf(className: string): string {
  return className.split(/__|--/)[0]!;
}

/** The DSFR classes written in these source files. */
export function dsfrClassesIn(files: SourceFile[]): Set<string> {
  return new Set(files.flatMap((file) => [...file.text.matchAll(DSFR_CLASS)].map(([name]) => name)));
}

/**
 * DSFR's main stylesheet (minified) without the rules of components no page renders, its fonts'
 * and icons' relative addresses made absolute from `distHref` (where DSFR's dist/ is served),
 * since it is served from elsewhere.
 */
export function mainRules(css: string, distHref: string): string {
  const kept = filtered(css, (selector) => classesOf(selector).every((name) => !UNUSED_COMPONENT_BLOCKS.has(blockOf(name))));
  return kept.replace(/url\((fonts|icons)\//g, `url(${distHref}$1/`);
}

/**
 * The rules of DSFR's icon stylesheet (minified) for the icons `used` only, with the images'
 * relative addresses made absolute from `distHref`. DSFR's older names of the same icons
 * (`fr-fi-*`) go unless the source uses them.
 */
export function iconRules(css: string, used: Set<string>, distHref: string): string {
  const kept = filtered(css, (selector) => classesOf(selector).every((name) => !ICON_CLASS.test(name) || used.has(name)));
  return kept.replaceAll('url(../../icons/', `url(${distHref}icons/`);
}

/** The classes an element must have to match the selector (those inside :not() it must not have). */
function classesOf(selector: string): string[] {
  return [...selector.replace(/:not\([^()]*\)/g, '').matchAll(DSFR_CLASS)].map(([name]) => name);
}

/** The stylesheet with its licence header, and of its rules the selectors `keep` says yes to. */
function filtered(css: string, keep: (selector: string) => boolean): string {
  const header = /^\/\*![\s\S]*?\*\//.exec(css)?.[0] ?? '';
  return `${header}\n${keptRules(css.slice(header.length).replace(/\/\*[\s\S]*?\*\//g, ''), keep)}\n`;
}

/**
 * Keeps each rule's selectors that `keep` says yes to, and the rule if any is left; the rules inside
 * @media and @supports likewise, the block if any is left. Other at-rules (@font-face, @keyframes)
 * are kept whole.
 */
function keptRules(block: string, keep: (selector: string) => boolean): string {
  let kept = '';
  let at = 0;
  while (at < block.length) {
    const open = block.indexOf('{', at);
    if (open < 0) break;
    const prelude = block.slice(at, open).trim();
    const close = matchingBrace(block, open);
    const body = block.slice(open + 1, close);
    if (/^@(media|supports)\b/.test(prelude)) {
      const inner = keptRules(body, keep);
      if (inner) kept += `${prelude}{${inner}}`;
    } else if (prelude.startsWith('@')) {
      kept += `${prelude}{${body}}`;
    } else {
      const selectors = splitSelectors(prelude).filter(keep);
      if (selectors.length > 0) kept += `${selectors.join(',')}{${body}}`;
    }
    at = close + 1;
  }
  return kept;
}

/** A selector list split at its top-level commas (not those inside :is(), :not() or :where()). */
function splitSelectors(list: string): string[] {
  const selectors: string[] = [];
  let depth = 0;
  let start = 0;
  for (let at = 0; at < list.length; at++) {
    if (list[at] === '(') depth++;
    else if (list[at] === ')') depth--;
    else if (list[at] === ',' && depth === 0) {
      selectors.push(list.slice(start, at));
      start = at + 1;
    }
  }
  selectors.push(list.slice(start));
  return selectors;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === '{') depth++;
    else if (text[at] === '}' && --depth === 0) return at;
  }
  throw new Error(`unbalanced braces in a DSFR stylesheet at ${open}`);
}
