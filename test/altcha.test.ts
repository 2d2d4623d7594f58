import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { formatters, translator } from '../src/i18n/catalogue.js';
import { verifyAltcha, type AltchaVerdict } from '../src/modules/identity/altcha.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { buildAssets } from '../src/web/assets.js';
import { AltchaField } from '../src/web/components/altcha-field.js';
import { PageContextProvider, type PageContext } from '../src/web/page-context.js';
import { solveAltcha } from './support/solve-altcha.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const MINUTE = 60_000;

interface DecodedPayload {
  challenge: { parameters: { data: { expires: number; level: number } }; signature: string };
  solution: { counter: number; derivedKey: string };
}
const decode = (payload: string) => JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as DecodedPayload;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('ALTCHA anti-robot check', () => {
  let portal: TestPortal;
  let north: Tenant;
  let south: Tenant;
  const verify = (tenant: Tenant, payload: unknown): Promise<AltchaVerdict> => portal.inTenant(tenant, (scope) => verifyAltcha(scope, portal.config, payload));

  before(async () => {
    portal = await startTestPortal();
    north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord' });
    south = await portal.addTenant({ slug: 'sud', name: 'Commune du Sud' });
  });
  after(() => portal.close());

  it('serves a new challenge of the tenant on each request, never cached', async () => {
    const first = await portal.app.inject({ url: '/nord/altcha/challenge' });
    const second = await portal.app.inject({ url: '/nord/altcha/challenge' });
    assert.equal(first.statusCode, 200);
    assert.match(String(first.headers['content-type']), /^application\/json/);
    assert.equal(first.headers['cache-control'], 'no-store');
    assert.equal(first.json().parameters.algorithm, 'SHA-256');
    assert.notEqual(first.json().signature, second.json().signature);
    assert.equal((await portal.app.inject({ url: '/altcha/challenge' })).statusCode, 404);
  });

  it('accepts a solved challenge once, and refuses it when replayed', async () => {
    const payload = await solveAltcha(portal.app, '/nord');
    assert.equal(await verify(north, payload), 'verified');
    assert.equal(await verify(north, payload), 'replayed');
    const spent = await portal.inTenant(north, ({ tx }) => tx.selectFrom('altcha_spent').select('signature').execute());
    assert.deepEqual(
      spent.map((row) => row.signature),
      [decode(payload).challenge.signature],
    );
  });

  it('lets only one of two submissions of the same solution through', async () => {
    const payload = await solveAltcha(portal.app, '/nord');
    const verdicts = await Promise.all([verify(north, payload), verify(north, payload)]);
    assert.deepEqual(verdicts.sort(), ['replayed', 'verified']);
  });

  it('gives the solution back when the caller’s transaction fails', async () => {
    const payload = await solveAltcha(portal.app, '/nord');
    await assert.rejects(
      portal.inTenant(north, async (scope) => {
        assert.equal(await verifyAltcha(scope, portal.config, payload), 'verified');
        throw new Error('the form was refused further on');
      }),
    );
    assert.equal(await verify(north, payload), 'verified');
  });

  it('refuses a missing, malformed or tampered payload', async () => {
    const payload = await solveAltcha(portal.app, '/nord');
    const { challenge, solution } = decode(payload);
    assert.equal(await verify(north, undefined), 'missing');
    assert.equal(await verify(north, ''), 'missing');
    assert.equal(await verify(north, 'not base64 json'), 'invalid');
    // What the widget sends in its test mode.
    assert.equal(await verify(north, encode({ challenge: null, solution: null, test: true })), 'invalid');
    const otherKey = solution.derivedKey.replace(/^./, (digit) => (digit === '0' ? '1' : '0'));
    assert.equal(await verify(north, encode({ challenge, solution: { ...solution, derivedKey: otherKey } })), 'invalid');
    const later = { ...challenge.parameters, data: { expires: challenge.parameters.data.expires + 3600 } };
    assert.equal(await verify(north, encode({ challenge: { ...challenge, parameters: later }, solution })), 'invalid');
    assert.equal(await verify(north, encode({ challenge: { ...challenge, signature: '00'.repeat(32) }, solution })), 'invalid');
    assert.equal(await verify(north, payload), 'verified', 'refusals do not spend the solution');
  });

  it('refuses a challenge solved too long ago, and forgets spent solutions once expired', async () => {
    const spentEarlier = await solveAltcha(portal.app, '/nord');
    assert.equal(await verify(north, spentEarlier), 'verified');
    const payload = await solveAltcha(portal.app, '/nord');
    portal.clock.advance(10 * MINUTE);
    try {
      assert.equal(await verify(north, payload), 'expired');
      const fresh = await solveAltcha(portal.app, '/nord');
      assert.equal(await verify(north, fresh), 'verified');
      const left = await portal.inTenant(north, ({ tx }) => tx.selectFrom('altcha_spent').select('signature').execute());
      assert.deepEqual(
        left.map((row) => row.signature),
        [decode(fresh).challenge.signature],
      );
    } finally {
      portal.clock.advance(-10 * MINUTE);
    }
  });

  it('serves harder challenges by level, and refuses a solution below the level asked without spending it', async () => {
    const verifyAt = (payload: string, level: number) => portal.inTenant(north, (scope) => verifyAltcha(scope, portal.config, payload, level));
    const easy = await solveAltcha(portal.app, '/nord');
    const hard = await solveAltcha(portal.app, '/nord', 3);
    assert.equal(decode(hard).challenge.parameters.data.level, 3);
    assert.ok(decode(hard).solution.counter >= (portal.config.altchaMaxNumber * 2 ** 3) / 2, 'eight times the usual work');
    assert.equal(await verifyAt(easy, 3), 'invalid');
    assert.equal(await verifyAt(hard, 3), 'verified');
    assert.equal(await verifyAt(easy, 0), 'verified', 'the refused solution was not spent');
    assert.equal((await portal.app.inject({ url: '/nord/altcha/challenge?level=6' })).statusCode, 400);
  });

  it('does not accept a challenge of one authority for another', async () => {
    const payload = await solveAltcha(portal.app, '/nord');
    assert.equal(await verify(south, payload), 'invalid');
    assert.equal(await verify(north, payload), 'verified');
  });

  it('serves the widget’s stylesheet and worker from our origin', async () => {
    const { scripts } = await buildAssets();
    const css = await portal.app.inject({ url: scripts.altchaCss ?? '' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    const worker = await portal.app.inject({ url: scripts.altchaWorker ?? '' });
    assert.equal(worker.statusCode, 200);
    assert.match(String(worker.headers['content-type']), /^text\/javascript/);
  });

  it('renders the widget in a DSFR group, in the page’s language, with its error and a no-JavaScript notice', () => {
    const page: PageContext = {
      lang: 'en',
      t: translator('en'),
      fmt: formatters('en', 'Europe/Paris'),
      tenant: north,
      base: '/nord',
      path: '/connexion',
      csrfToken: 'token',
      viewer: null,
      now: portal.clock.now(),
      requestId: 'request',
      assets: { altchaCss: '/assets/altcha-1.css', altchaWorker: '/assets/sha-1.js' },
    };
    const render = (error?: string) => renderToString(h(PageContextProvider.Provider, { value: page }, h(AltchaField, { error })));
    const html = render('The anti-robot check has expired. Tick the box again.');
    assert.match(html, /<altcha-widget[^>]* challenge="\/nord\/altcha\/challenge"/);
    assert.match(html, /<altcha-widget[^>]* name="altcha"/);
    assert.match(html, /<altcha-widget[^>]* language="en"/);
    assert.match(html, /<altcha-widget[^>]* data-worker="\/assets\/sha-1.js"/);
    assert.match(html, /<link rel="stylesheet" href="\/assets\/altcha-1.css"/);
    assert.match(html, /class="fr-input-group fr-input-group--error" id="field-altcha"/);
    assert.match(html, /<p class="fr-error-text" id="field-altcha-error">The anti-robot check has expired/);
    assert.match(html, /<noscript>.*This check needs JavaScript/);
    assert.doesNotMatch(html, /style=/);
    assert.doesNotMatch(render(), /fr-input-group--error|fr-error-text/);
  });
});
