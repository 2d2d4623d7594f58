import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { hashToken } from '../src/modules/identity/secret-tokens.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { solveAltcha } from './support/solve-altcha.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('login, sessions and logout', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', website_url: 'https://ville.example.test/' });
    family = await createFamily(portal, tenant, { email: 'alice@example.test', children: ['Zoé', 'Max'] });
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'reader' });
  });
  beforeEach(async () => {
    await portal.inTenant(tenant, ({ tx }) => tx.deleteFrom('login_failures').execute());
  });
  after(() => portal.close());

  async function loginAs(email: string, password: string, browser = new TestBrowser(portal.app)) {
    await browser.get('/ville/connexion');
    const response = await browser.post('/ville/connexion', { email, password });
    return { browser, response };
  }

  it('signs a family in and shows its household, children and amount due on every page', async () => {
    const { browser, response } = await loginAs('Alice@Example.test ', family.password);
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/ville/accueil');
    const sessionCookie = response.cookies.find((cookie) => cookie.name === 'pf_session') as { path?: string; httpOnly?: boolean; sameSite?: string };
    assert.equal(sessionCookie.path, '/ville');
    assert.equal(sessionCookie.httpOnly, true);
    assert.equal(sessionCookie.sameSite, 'Lax');
    const home = await browser.follow(response);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Bonjour Alice DUPONT/);
    assert.match(home.body, /DUPONT Alice/);
    assert.match(home.body, /Zoé DUPONT, Max DUPONT/);
    assert.match(home.body, /Restant dû/);
  });

  it('says the same thing for a wrong password and for an unknown email, and keeps the email typed', async () => {
    const wrong = (await loginAs('alice@example.test', 'Mauvais-Passe-1')).response;
    const unknown = (await loginAs('personne@example.test', 'Mauvais-Passe-1')).response;
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /Adresse électronique ou mot de passe incorrect\./);
      assert.doesNotMatch(response.body, /pf_session/);
    }
    assert.match(wrong.body, /value="alice@example.test"/);
    assert.match(unknown.body, /value="personne@example.test"/);
  });

  it('gives back an address too long for any account next to its field, without counting an attempt', async () => {
    const long = `${'a'.repeat(20_001)}@example.test`;
    const { response } = await loginAs(long, 'whatever');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Veuillez corriger les erreurs suivantes/);
    assert.match(response.body, /Ce texte est trop long\./);
    assert.ok(response.body.includes(long), 'the address typed is given back');
  });

  it('answers in English when the page is in English', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion?lang=en');
    const response = await browser.post('/ville/connexion', { email: 'alice@example.test', password: 'nope' });
    assert.match(response.body, /Wrong email address or password\./);
    assert.match(response.body, /<html lang="en"/);
  });

  it('rotates the session at login: a session id known before is worthless after', async () => {
    const first = await loginAs(family.email, family.password);
    const before = first.browser.cookies.get('pf_session')!;
    const again = await first.browser.post('/ville/connexion', { email: family.email, password: family.password });
    assert.equal(again.statusCode, 302);
    const afterLogin = first.browser.cookies.get('pf_session')!;
    assert.notEqual(afterLogin, before);
    const stale = new TestBrowser(portal.app);
    stale.cookies.set('pf_session', before);
    const response = await stale.get('/ville/accueil');
    assert.equal(response.statusCode, 302);
    assert.match(String(response.headers.location), /\/ville\/connexion\?retour=%2Faccueil/);
  });

  it('honours a session only in its own authority, even when the browser sends it elsewhere', async () => {
    await portal.addTenant({ slug: 'autre-ville', name: 'Autre Ville' });
    const { browser } = await loginAs(family.email, family.password);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 200);
    // The cookie is scoped to /ville; a host-named authority shares the path, so the server checks.
    const elsewhere = await browser.get('/autre-ville/accueil');
    assert.equal(elsewhere.statusCode, 302);
    assert.equal(elsewhere.headers.location, '/autre-ville/connexion?retour=%2Faccueil', 'sent to log in there');
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const { browser } = await loginAs(family.email, family.password);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 200);
    portal.clock.advance(29 * 60_000);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 200);
    portal.clock.advance(31 * 60_000);
    const token = browser.cookies.get('pf_session')!;
    const expired = await browser.get('/ville/accueil');
    assert.equal(expired.statusCode, 302);
    const row = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('sessions').select('token_hash').where('token_hash', '=', hashToken(token)).executeTakeFirst(),
    );
    assert.equal(row, undefined, 'the idle session is deleted');
  });

  it('keeps a session used more often than the default idle limit, and ends it once left idle longer', async () => {
    const browser = await signedInBrowser(portal, tenant, family.accountId);
    await useRegularly(portal, browser, 20_000, 5 * 60_000);
    await useRegularly(portal, browser, 29 * 60_000, 2 * 60 * 60_000);
    portal.clock.advance(31 * 60_000);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 302);
  });

  it('logs out: the session is deleted and the family lands on the authority’s website', async () => {
    const { browser } = await loginAs(family.email, family.password);
    const token = browser.cookies.get('pf_session')!;
    await browser.get('/ville/accueil');
    const response = await browser.post('/ville/deconnexion', {});
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, 'https://ville.example.test/');
    const stale = new TestBrowser(portal.app);
    stale.cookies.set('pf_session', token);
    assert.equal((await stale.get('/ville/accueil')).statusCode, 302);
  });

  it('sends the security headers on every page: a strict policy whose form-action allows only this site and the authority’s website', async () => {
    const page = await new TestBrowser(portal.app).get('/ville/connexion');
    const policy = String(page.headers['content-security-policy'])
      .split(';')
      .map((directive) => directive.trim());
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "form-action 'self' https://ville.example.test",
    ]) {
      assert.ok(policy.includes(directive), `${directive} in ${policy.join('; ')}`);
    }
    assert.ok(!policy.some((directive) => directive.includes('unsafe-inline')), 'no inline script or style');
    await portal.addTenant({ slug: 'autre' });
    const otherPolicy = String((await new TestBrowser(portal.app).get('/autre/connexion')).headers['content-security-policy']);
    assert.match(otherPolicy, /form-action 'self'(;|$)/, 'an authority without a website allows only this site');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['x-powered-by'], undefined);
  });

  it('keeps families out of the back office and staff out of the family space', async () => {
    const familyBrowser = (await loginAs(family.email, family.password)).browser;
    assert.equal((await familyBrowser.get('/ville/gestion')).statusCode, 404);
    const staffLogin = await loginAs('agent@example.test', 'Jardin-Vert-42');
    assert.equal(staffLogin.response.headers.location, '/ville/gestion');
    assert.equal((await staffLogin.browser.get('/ville/gestion')).statusCode, 200);
    assert.equal((await staffLogin.browser.get('/ville/accueil')).statusCode, 404);
  });

  it('sends back to a page of this site after login, never to another site', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion?retour=%2Fmon-compte');
    const back = await browser.post('/ville/connexion', { email: family.email, password: family.password, retour: '/mon-compte' });
    assert.equal(back.headers.location, '/ville/mon-compte');
    const evil = await browser.post('/ville/connexion', { email: family.email, password: family.password, retour: '//evil.example/' });
    assert.equal(evil.headers.location, '/ville/accueil');
  });

  it('asks for the anti-robot check after 3 failures, refuses this address after 5 for a minute, then lets the right person in', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await browser.post('/ville/connexion', { email: family.email, password: 'Faux-Passe-1' });
      assert.doesNotMatch(response.body, /altcha-widget/, `no check after ${attempt} failure(s)`);
    }
    const third = await browser.post('/ville/connexion', { email: family.email, password: 'Faux-Passe-1' });
    assert.match(third.body, /altcha-widget/);
    // Without a solved check even the right password is not looked at.
    const noCheck = await browser.post('/ville/connexion', { email: family.email, password: family.password });
    assert.equal(noCheck.statusCode, 200);
    assert.match(noCheck.body, /vérifier que vous n’êtes pas un robot/);
    for (let attempt = 4; attempt <= 5; attempt++) {
      await browser.post('/ville/connexion', { email: family.email, password: 'Faux-Passe-1', altcha: await solveAltcha(portal.app, '/ville') });
    }
    const locked = await browser.post('/ville/connexion', { email: family.email, password: family.password, altcha: await solveAltcha(portal.app, '/ville') });
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.headers['retry-after'], '60');
    assert.match(locked.body, /réessayez dans 60 seconde/);
    portal.clock.advance(61_000);
    const ok = await browser.post('/ville/connexion', { email: family.email, password: family.password, altcha: await solveAltcha(portal.app, '/ville') });
    assert.equal(ok.statusCode, 302);
    // The success forgives this address's failures on the account; the account's and the address's own counts leak away with time.
    const failures = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('login_failures').select(['key', 'failures']).execute());
    assert.deepEqual(failures.map((row) => row.key).sort(), ['account:alice%40example.test', 'address:127.0.0.1']);
  });

  it('refuses a replayed anti-robot solution', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    for (let attempt = 1; attempt <= 3; attempt++) await browser.post('/ville/connexion', { email: family.email, password: 'Faux-Passe-1' });
    const solution = await solveAltcha(portal.app, '/ville');
    await browser.post('/ville/connexion', { email: family.email, password: 'Faux-Passe-1', altcha: solution });
    const replay = await browser.post('/ville/connexion', { email: family.email, password: family.password, altcha: solution });
    assert.equal(replay.statusCode, 200);
    assert.match(replay.body, /vérifier que vous n’êtes pas un robot/);
  });
});

describe('a short idle limit (SESSION_IDLE_MINUTES=1)', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal({ env: { SESSION_IDLE_MINUTES: '1' } });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'eve@example.test' });
  });
  after(() => portal.close());

  it('keeps a session used every 20 s or every 50 s, and ends it after 61 s idle', async () => {
    const browser = await signedInBrowser(portal, tenant, family.accountId);
    await useRegularly(portal, browser, 20_000, 5 * 60_000);
    await useRegularly(portal, browser, 50_000, 5 * 60_000);
    const token = browser.cookies.get('pf_session')!;
    portal.clock.advance(61_000);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 302);
    const row = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('sessions').select('token_hash').where('token_hash', '=', hashToken(token)).executeTakeFirst(),
    );
    assert.equal(row, undefined, 'the idle session is deleted');
  });
});

/** Reads the home page every `everyMs` for `forMs` of the test clock, checking each time that the session is still open. */
async function useRegularly(portal: TestPortal, browser: TestBrowser, everyMs: number, forMs: number): Promise<void> {
  for (let elapsed = everyMs; elapsed <= forMs; elapsed += everyMs) {
    portal.clock.advance(everyMs);
    assert.equal((await browser.get('/ville/accueil')).statusCode, 200, `still signed in after ${elapsed / 1000} s used every ${everyMs / 1000} s`);
  }
}

describe('anti-forgery and rate limits', () => {
  let portal: TestPortal;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal();
    const tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'bob@example.test' });
  });
  after(() => portal.close());

  it('rejects a form sent without the anti-forgery token, or with another browser’s token', async () => {
    const victim = new TestBrowser(portal.app);
    await victim.get('/ville/connexion');
    const missing = await victim.post('/ville/connexion', { email: family.email, password: family.password }, { csrf: false });
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /La page a expiré/);
    const attacker = new TestBrowser(portal.app);
    await attacker.get('/ville/connexion');
    const foreign = await victim.post('/ville/connexion', { email: family.email, password: family.password }, { csrf: attacker.csrfToken()! });
    assert.equal(foreign.statusCode, 403);
    assert.equal(victim.cookies.has('pf_session'), false);
  });

  it('limits login attempts per address with 429 and Retry-After', async () => {
    const browser = new TestBrowser(portal.app, { 'x-test': 'flood' });
    await browser.get('/ville/connexion');
    let last: Awaited<ReturnType<typeof browser.post>> | undefined;
    for (let i = 0; i < 31; i++) last = await browser.post('/ville/connexion', { email: `x${i}@example.test`, password: 'Faux-Passe-1' });
    assert.equal(last!.statusCode, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.match(last!.body, /Trop de demandes/);
  });
});
