import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { DSFR_PREFIX } from './dsfr-files.js';
import { sourceFiles } from '../source-files.js';
import { dsfrClassesIn, iconRules, mainRules } from './dsfr-stylesheets.js';

const ASSETS_DIR = new URL('./assets/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const ALTCHA_DIR = new URL('../../node_modules/altcha/dist/', import.meta.url).pathname;
const DSFR_DIST = new URL('../../node_modules/@gouvfr/dsfr/dist/', import.meta.url).pathname;

/**
 * Files served under hashed names. DSFR's stylesheet goes without the components no page renders,
 * and the portal's own carries the rules of the DSFR icons it uses before its own
 * (dsfr-stylesheets.ts). The anti-robot widget's stylesheet and proof-of-work worker are served as
 * they are, because its default build would inject a <style> element, refused by our
 * Content-Security-Policy, and start its workers from blob: URLs.
 */
const STATIC_FILES: [key: string, name: string, contentType: string, read: () => Buffer][] = [
  ['dsfrCss', 'dsfr.css', 'text/css; charset=utf-8', () => Buffer.from(mainRules(readFileSync(`${DSFR_DIST}dsfr.min.css`, 'utf8'), DSFR_PREFIX))],
  ['css', 'app.css', 'text/css; charset=utf-8', portalStylesheet],
  ['altchaCss', 'altcha.css', 'text/css; charset=utf-8', () => readFileSync(`${ALTCHA_DIR}external/altcha.css`)],
  ['altchaWorker', 'sha.js', 'text/javascript; charset=utf-8', () => readFileSync(`${ALTCHA_DIR}workers/sha.js`)],
];

function portalStylesheet(): Buffer {
  const icons = iconRules(readFileSync(`${DSFR_DIST}utility/icons/icons.min.css`, 'utf8'), dsfrClassesIn(sourceFiles(ROOT)), DSFR_PREFIX);
  return Buffer.concat([Buffer.from(icons), readFileSync(`${ASSETS_DIR}app.css`)]);
}

export interface BuiltAsset {
  contentType: string;
  body: Buffer;
}

export interface Assets {
  files: Map<string, BuiltAsset>;
  scripts: Record<string, string>;
}

/**
 * Test runs only: the path of a file written by `writeAssetsFile()`. scripts/test.ts builds the
 * assets once per run and every test portal reads them from there instead of bundling its own;
 * production never sets it and builds them at start.
 */
export const PREPARED_ASSETS_ENV = 'TEST_ASSETS_FILE';

/**
 * The enhancement scripts, bundled by esbuild at start and kept in memory under names that carry
 * their content hash (cached for a year by browsers); the pages work without them.
 */
export async function buildAssets(): Promise<Assets> {
  const prepared = process.env[PREPARED_ASSETS_ENV];
  return prepared ? readAssetsFile(prepared) : bundleAssets();
}

/** Builds the assets and writes them to one file, for `PREPARED_ASSETS_ENV`. */
export async function writeAssetsFile(path: string): Promise<void> {
  const { files, scripts } = await bundleAssets();
  const entries = [...files].map(([name, asset]) => [name, asset.contentType, asset.body.toString('base64')]);
  writeFileSync(path, JSON.stringify({ scripts, files: entries }));
}

function readAssetsFile(path: string): Assets {
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { scripts: Record<string, string>; files: [string, string, string][] };
  const files = new Map<string, BuiltAsset>();
  for (const [name, contentType, body] of saved.files) files.set(name, { contentType, body: Buffer.from(body, 'base64') });
  return { files, scripts: saved.scripts };
}

async function bundleAssets(): Promise<Assets> {
  const entries = { main: `${ASSETS_DIR}main.ts` };
  const result = await esbuild.build({
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    target: ['es2020'],
    minify: true,
    write: false,
    outdir: '/out',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    logLevel: 'silent',
  });
  const files = new Map<string, BuiltAsset>();
  const scripts: Record<string, string> = {};
  for (const file of result.outputFiles) {
    const name = file.path.slice('/out/'.length);
    files.set(`js/${name}`, { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(file.contents) });
    const entry = Object.keys(entries).find((key) => name.startsWith(`${key}-`) && name.endsWith('.js'));
    if (entry) scripts[entry] = `/assets/js/${name}`;
  }
  for (const [key, file, contentType, read] of STATIC_FILES) {
    const body = read();
    const name = file.replace(/(\.\w+)$/, `-${createHash('sha256').update(body).digest('hex').slice(0, 8)}$1`);
    files.set(name, { contentType, body });
    scripts[key] = `/assets/${name}`;
  }
  return { files, scripts };
}
