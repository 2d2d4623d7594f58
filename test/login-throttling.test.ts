import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Challenge } from 'altcha-lib';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { callApi } from './support/api-scenario.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, type TestFamily } from './support/scenario.js';
import { askedAltchaLevel, solveAltcha, solvedPayload } from './support/solve-altcha.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const MINUTE = 60_000;
const STRANGER = '203.0.113.66';
const HOME = '198.51.100.20';

interface ErrorBody {
  error: { code: string; message: string; challenge?: Challenge };
}

// Behind a reverse proxy (TRUST_PROXY): every request comes from the proxy's socket, and the
// client's address is the one the proxy forwards, as the rate limiter counts it.
describe('failed logins slow down whoever makes them, not the account’s owner', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal({ env: { TRUST_PROXY: 'true' } });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'alice@example.test' });
  });
  beforeEach(async () => {
    await portal.inTenant(tenant, ({ tx }) => tx.deleteFrom('login_failures').execute());
  });
  after(() => portal.close());

  async function browserAt(address: string, page = '/ville/connexion'): Promise<TestBrowser> {
    const browser = new TestBrowser(portal.app, { 'x-forwarded-for': address });
    await browser.get(page);
    return browser;
  }

  /** Sends a password with the anti-robot check the last page showed, solved at its level, as the widget does. */
  async function tryPassword(browser: TestBrowser, password: string) {
    const level = askedAltchaLevel(browser.lastHtml);
    const form: Record<string, string> = { email: family.email, password };
    if (level !== null) form.altcha = await solveAltcha(portal.app, '/ville', level);
    return browser.post('/ville/connexion', form);
  }

  it('refuses a stranger who keeps failing from one address, in the page’s language, while the owner logs in from home', async () => {
    const stranger = await browserAt(STRANGER, '/ville/connexion?lang=en');
    for (let attempt = 1; attempt <= 5; attempt++) await tryPassword(stranger, `Guess-${attempt}`);

    const owner = await browserAt(HOME);
    assert.equal(askedAltchaLevel(owner.lastHtml), null, 'the login page shows no check at first');
    const unproven = await tryPassword(owner, family.password);
    assert.equal(unproven.statusCode, 200);
    assert.match(unproven.body, /nous devons vérifier que vous n’êtes pas un robot/);
    assert.equal(askedAltchaLevel(unproven.body), 0, 'the usual proof of work');
    const signedIn = await tryPassword(owner, family.password);
    assert.equal(signedIn.statusCode, 302);
    assert.equal(signedIn.headers.location, '/ville/accueil');

    const refused = await tryPassword(stranger, family.password);
    assert.equal(refused.statusCode, 429, 'the address is refused before any password is looked at');
    assert.equal(refused.headers['retry-after'], '60');
    assert.match(
      refused.body,
      /Too many failed attempts from this device or network\. For your security, logging in from here is suspended: try again in 60 seconds\./,
    );
    assert.equal((await tryPassword(stranger, 'Guess-6')).statusCode, 429, 'the owner’s success does not free the stranger');
    portal.clock.advance(61_000);
    const sixth = await tryPassword(stranger, 'Guess-6');
    assert.equal(sixth.headers['retry-after'], '120', 'each further failure doubles the wait');
  });

  it('makes every attempt on an account guessed from many addresses cost a harder proof, which the owner solves', async () => {
    for (let host = 1; host <= 12; host++) {
      const guesser = await browserAt(`192.0.2.${host}`);
      for (let attempt = 1; attempt <= 3; attempt++) {
        assert.equal((await tryPassword(guesser, `Guess-${attempt}`)).statusCode, 200, 'a few guesses from an address are not refused');
      }
    }
    const owner = await browserAt(HOME);
    const asked = await tryPassword(owner, family.password);
    assert.match(asked.body, /nous devons vérifier que vous n’êtes pas un robot/);
    const level = askedAltchaLevel(asked.body);
    assert.ok(level !== null && level >= 3, `a harder proof is asked (level ${level})`);
    const easy = await owner.post('/ville/connexion', { email: family.email, password: family.password, altcha: await solveAltcha(portal.app, '/ville') });
    assert.equal(easy.statusCode, 200);
    assert.match(easy.body, /La vérification anti-robot n’a pas abouti/, 'the usual proof is not enough any more');
    assert.equal((await tryPassword(owner, family.password)).statusCode, 302, 'the owner gets in with the harder one');
  });

  it('clears the account’s counts at a password reset: the new password opens at once, even where the failures came from', async () => {
    const browser = await browserAt(STRANGER);
    for (let attempt = 1; attempt <= 5; attempt++) await tryPassword(browser, `Oubli-${attempt}`);
    assert.equal((await tryPassword(browser, family.password)).statusCode, 429);

    await browser.get('/ville/mot-de-passe-oublie');
    await browser.post('/ville/mot-de-passe-oublie', { email: family.email, altcha: await solveAltcha(portal.app, '/ville') });
    const [mail] = await emailsTo(portal, tenant, family.email);
    const link = linkIn(mail!.text_body, '/ville/reinitialiser/');
    await browser.get(link);
    assert.equal((await browser.post(link, { password: 'Riviere-Bleue-7', confirm: 'Riviere-Bleue-7' })).statusCode, 302);
    family.password = 'Riviere-Bleue-7';

    await browser.get('/ville/connexion');
    const response = await browser.post('/ville/connexion', { email: family.email, password: family.password });
    assert.equal(response.statusCode, 302, 'no refusal and no proof of work left');
    const rows = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('login_failures').select('key').execute());
    assert.deepEqual(
      rows.map((row) => row.key),
      [`address:${STRANGER}`],
      'the address keeps its count: other accounts may be guessed from it',
    );
  });

  it('forgets failures over time: one every quarter of an hour for two hours asks for no proof and refuses nothing', async () => {
    const owner = await browserAt(HOME);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const response = await owner.post('/ville/connexion', { email: family.email, password: `Oups-${attempt}` });
      assert.equal(response.statusCode, 200, `failure ${attempt}`);
      assert.match(response.body, /Adresse électronique ou mot de passe incorrect\./);
      assert.equal(askedAltchaLevel(response.body), null, `no proof asked after failure ${attempt}`);
      portal.clock.advance(16 * MINUTE);
    }
    assert.equal((await owner.post('/ville/connexion', { email: family.email, password: family.password })).statusCode, 302);
  });

  it('asks the API for a proof once failures were counted, hands it the challenge, and lets in its solution', async () => {
    const apiLogin = (address: string, password: string, altcha?: string) =>
      callApi(portal, {
        method: 'POST',
        url: '/ville/api/v1/session?lang=en',
        headers: { 'x-forwarded-for': address },
        body: { email: family.email, password, ...(altcha ? { altcha } : {}) },
      });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const failed = await apiLogin(STRANGER, `Guess-${attempt}`);
      assert.equal(failed.statusCode, 401);
      assert.equal((failed.json() as ErrorBody).error.challenge, undefined, `no proof needed after ${attempt} failure(s)`);
    }
    const third = await apiLogin(STRANGER, 'Guess-3');
    assert.equal(third.statusCode, 401);
    assert.ok((third.json() as ErrorBody).error.challenge, 'the next attempt needs a proof: here is its challenge');

    const unproven = await apiLogin(HOME, family.password);
    assert.equal(unproven.statusCode, 403, 'even the right password needs the proof');
    const { error } = unproven.json() as ErrorBody;
    assert.equal(error.code, 'altcha_required');
    assert.equal(error.message, 'After several failed attempts, we need to check that you are not a robot.');
    const altcha = await solvedPayload(error.challenge!);
    const created = await apiLogin(HOME, family.password, altcha);
    assert.equal(created.statusCode, 201);
    assert.equal((await apiLogin(HOME, family.password, altcha)).statusCode, 403, 'a solution serves once');

    const fourth = await apiLogin(STRANGER, 'Guess-4', await solvedPayload((third.json() as ErrorBody).error.challenge!));
    assert.equal(fourth.statusCode, 401);
    const fifth = await apiLogin(STRANGER, 'Guess-5', await solvedPayload((fourth.json() as ErrorBody).error.challenge!));
    assert.equal(fifth.statusCode, 429, 'the 5th failure from one address refuses it');
    const locked = await apiLogin(STRANGER, family.password);
    assert.equal(locked.statusCode, 429);
    assert.equal((locked.json() as ErrorBody).error.code, 'login_locked');
    assert.equal(locked.headers['retry-after'], '60');
  });
});
