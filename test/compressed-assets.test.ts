import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { DSFR_PAGE_FILES } from '../src/web/dsfr-files.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * A parent's first visit downloads the stylesheets before anything shows: DSFR's two weighed 1.07 MB,
 * 7.8 s on a phone's slow connection. They go cut to what the pages use, and with the portal's own
 * files and DSFR's script compressed, in the encoding the browser takes, the same bytes once
 * unpacked, and revalidated without a body.
 */
describe('the files every page loads', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  const get = (url: string, headers: Record<string, string> = {}) => portal.app.inject({ method: 'GET', url, headers });
  const dsfrFile = (path: string) => readFileSync(new URL(`../node_modules/@gouvfr/dsfr/dist/${path}`, import.meta.url));

  const dsfrStylesheetOf = (page: string) => /<link rel="stylesheet" href="(\/assets\/dsfr-[0-9a-f]{8}\.css)"\/>/.exec(page)?.[1];

  it('are the ones the pages load: DSFR’s stylesheet from the page, its script from the portal’s once the stylesheets are in', async () => {
    const page = await get('/');
    assert.ok(dsfrStylesheetOf(page.body), 'DSFR’s stylesheet is linked, under a hashed name');
    assert.ok(!page.body.includes(DSFR_PAGE_FILES.script.href), 'the script does not share the first download with the stylesheets');
    const main = /<script type="module" src="(\/assets\/js\/main-[^"]+)"/.exec(page.body)?.[1];
    assert.ok(main, 'the portal’s script is linked');
    assert.ok((await get(main)).body.includes(`"${DSFR_PAGE_FILES.script.path}"`), 'it names DSFR’s script, which it imports');
  });

  it('go gzipped to a browser over http, a third of their size or less, and unpack to the file', async () => {
    const original = dsfrFile('dsfr.module.min.js');
    const response = await get(DSFR_PAGE_FILES.script.href, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.equal(response.headers.vary, 'accept-encoding');
    assert.match(String(response.headers['content-type']), /^text\/javascript/);
    assert.ok(response.rawPayload.length * 3 < original.length, `${response.rawPayload.length} bytes sent for ${original.length}`);
    assert.deepEqual(gunzipSync(response.rawPayload), original);
  });

  it('go in brotli where the browser takes it (https)', async () => {
    const response = await get(DSFR_PAGE_FILES.script.href, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(response.headers['content-encoding'], 'br');
    assert.deepEqual(brotliDecompressSync(response.rawPayload), dsfrFile('dsfr.module.min.js'));
  });

  it('hold DSFR’s styles for the components the pages render, without the others, its fonts where it says', async () => {
    const stylesheet = dsfrStylesheetOf((await get('/')).body)!;
    const response = await get(stylesheet, { 'accept-encoding': 'gzip' });
    const css = gunzipSync(response.rawPayload).toString();
    for (const rule of ['.fr-header{', '.fr-btn{', '.fr-table{', '.fr-badge{', '.fr-alert{', '.fr-modal{', '.fr-nav__btn{', '.fr-tile{']) {
      assert.ok(css.includes(rule), `${rule} is kept`);
    }
    for (const rule of ['.fr-tabs{', '.fr-tag{', '.fr-tooltip{', '.fr-accordion{']) assert.ok(!css.includes(rule), `${rule} is left out`);
    const font = /url\((\/assets\/dsfr\/fonts\/Marianne-Regular\.woff2)\)/.exec(css)?.[1];
    assert.ok(font, 'the fonts are named from the site’s root');
    assert.equal((await get(font)).statusCode, 200);
    const whole = gzipSync(dsfrFile('dsfr.min.css'), { level: 9 }).length;
    assert.ok(response.rawPayload.length < whole * 0.75, `${response.rawPayload.length} bytes sent, DSFR’s whole stylesheet is ${whole}`);
  });

  it('go as they are to a client that takes no encoding, or refuses one', async () => {
    for (const acceptEncoding of [undefined, 'gzip;q=0, identity']) {
      const response = await get(DSFR_PAGE_FILES.script.href, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      assert.equal(response.headers['content-encoding'], undefined, String(acceptEncoding));
      assert.deepEqual(response.rawPayload, dsfrFile('dsfr.module.min.js'));
    }
  });

  it('are revalidated with their ETag without sending them again', async () => {
    const first = await get(DSFR_PAGE_FILES.script.href, { 'accept-encoding': 'gzip' });
    const again = await get(DSFR_PAGE_FILES.script.href, { 'accept-encoding': 'gzip', 'if-none-match': String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
  });

  it('include the portal’s own stylesheet and scripts, still cached for a year', async () => {
    const page = await get('/');
    const own = [...page.body.matchAll(/(?:href|src)="(\/assets\/(?!dsfr\/)[^"]+)"/g)].map((match) => match[1]!);
    assert.ok(own.some((url) => url.endsWith('.css')) && own.some((url) => url.endsWith('.js')), own.join(' '));
    for (const url of own) {
      const plain = await get(url);
      const response = await get(url, { 'accept-encoding': 'gzip' });
      assert.equal(response.headers['content-encoding'], 'gzip', url);
      assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.deepEqual(gunzipSync(response.rawPayload), plain.rawPayload, url);
    }
  });

  it('carry the DSFR icons the pages use in the portal’s stylesheet, and no others', async () => {
    const page = await get('/');
    assert.ok(!page.body.includes('icons.min.css'), 'DSFR’s stylesheet of every icon is not loaded');
    const stylesheet = /href="(\/assets\/app-[^"]+\.css)"/.exec(page.body)?.[1];
    assert.ok(stylesheet, 'the portal’s stylesheet is linked');
    const css = (await get(stylesheet)).body;
    // The header's log-out button and the calendar's arrows are icons every parent sees.
    for (const [icon, image] of [
      ['fr-icon-logout-box-r-line', 'system/logout-box-r-line.svg'],
      ['fr-icon-arrow-left-line', 'arrows/arrow-left-line.svg'],
    ]) {
      assert.ok(
        css.includes(`.${icon}:before{-webkit-mask-image:url(/assets/dsfr/icons/${image})`),
        `${icon} keeps its image, at an address from the site’s root`,
      );
    }
    assert.ok(!css.includes('fr-icon-alarm-warning-line'), 'an icon no page uses is left out');
    assert.ok(css.includes('License-Filename: LICENSE.md'), 'DSFR’s licence header is kept');
    assert.ok(css.length < 40_000, `${css.length} bytes`);
    const served = await get(`/assets/dsfr/icons/system/logout-box-r-line.svg`);
    assert.equal(served.statusCode, 200, 'the icon’s image is served where the rule points');
  });

  it('leave the rest of DSFR as it was (fonts, icons)', async () => {
    const response = await get('/assets/dsfr/fonts/Marianne-Regular.woff2', { 'accept-encoding': 'gzip' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.deepEqual(response.rawPayload, dsfrFile('fonts/Marianne-Regular.woff2'));
  });
});
