import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DSFR's icon stylesheet holds the rules of its 1,600 icons: 355 KB, 29 KB compressed, loaded
 * before a parent's first page can show. The portal uses about forty. The rules of those it uses
 * go into its own stylesheet (assets.ts), read from its source as a CSS purge reads its content:
 * the icon classes are written whole in the pages (never composed), so each one used is found.
 * DSFR's older names of the same icons (`fr-fi-*`) go unless the source uses them.
 */
const ICON_CLASS = /\bfr-(?:icon|fi)-[a-z0-9-]*[a-z0-9]/g;

/** The DSFR icon classes written in the portal's source files. */
export function iconsUsedIn(sourceDir: string): Set<string> {
  const used = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        for (const [name] of readFileSync(path, 'utf8').matchAll(ICON_CLASS)) used.add(name);
      }
    }
  };
  walk(sourceDir);
  return used;
}

/**
 * The rules of DSFR's icon stylesheet (`css`, minified) for these icons only, with the licence
 * header kept and the images' relative addresses made absolute from `iconsHref` (where DSFR's
 * icons/ folder is served), since the rules move to another stylesheet.
 */
export function iconRules(css: string, icons: Set<string>, iconsHref: string): string {
  const header = /^\/\*![\s\S]*?\*\//.exec(css)?.[0] ?? '';
  const kept = keptRules(css.slice(header.length).replace(/\/\*[\s\S]*?\*\//g, ''), icons);
  return `${header}\n${kept.replaceAll('url(../../icons/', `url(${iconsHref}`)}\n`;
}

/** Keeps the rules, and the at-rule blocks, that still style a used icon (comments taken out before). */
function keptRules(block: string, icons: Set<string>): string {
  let kept = '';
  let at = 0;
  while (at < block.length) {
    const open = block.indexOf('{', at);
    if (open < 0) break;
    const prelude = block.slice(at, open).trim();
    const close = matchingBrace(block, open);
    const body = block.slice(open + 1, close);
    if (prelude.startsWith('@')) {
      const inner = keptRules(body, icons);
      if (inner) kept += `${prelude}{${inner}}`;
    } else {
      const selectors = prelude.split(',').filter((selector) => [...selector.matchAll(ICON_CLASS)].every(([name]) => icons.has(name)));
      if (selectors.length > 0) kept += `${selectors.join(',')}{${body}}`;
    }
    at = close + 1;
  }
  return kept;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === '{') depth++;
    else if (text[at] === '}' && --depth === 0) return at;
  }
  throw new Error(`unbalanced braces in DSFR's icon stylesheet at ${open}`);
}
