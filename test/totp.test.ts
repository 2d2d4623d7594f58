import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Actor } from '../src/modules/actor.js';
import { createAccount } from '../src/modules/identity/accounts.js';
import { openSession } from '../src/modules/identity/sessions.js';
import { checkTotpCode, enableTotp, requiresSecondFactor, startTotpEnrolment, totpStatus } from '../src/modules/identity/totp.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { CSRF_COOKIE, CsrfTokens } from '../src/web/csrf.js';
import { TestBrowser } from './support/http-client.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const STEP = 30_000;
const PASSWORD = 'Goûter2026';

describe('two-factor authentication of staff (TOTP)', () => {
  let portal: TestPortal;
  let north: Tenant;

  /** A staff account of the north authority; the secret of its authenticator app once enrolled. */
  async function staffMember(email: string) {
    const accountId = await portal.inTenant(north, (scope) =>
      createAccount(scope, { kind: 'staff', role: 'manager', email, displayName: `Agent ${email}`, password: PASSWORD }),
    );
    const actor: Actor = { kind: 'staff', accountId, role: 'manager', label: `Agent ${email}` };
    const asStaff = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(north, (scope) => work({ ...scope, actor }));
    return { accountId, asStaff };
  }

  function codeAt(secret: string, steps = 0): string {
    return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: portal.clock.now().getTime() + steps * STEP });
  }

  /** A code valid for none of the steps around now. */
  function wrongCode(secret: string): string {
    const valid = new Set([-1, 0, 1].map((steps) => codeAt(secret, steps)));
    let code = 0;
    while (valid.has(String(code).padStart(6, '0'))) code += 1;
    return String(code).padStart(6, '0');
  }

  /** Enrols and enables two-factor authentication directly, as the security page does. */
  async function enrolled(email: string) {
    const member = await staffMember(email);
    await member.asStaff((scope) => startTotpEnrolment(scope, portal.config));
    const status = await member.asStaff((scope) => totpStatus(scope, portal.config));
    const secret = status.enrolment?.secret ?? '';
    assert.equal(await member.asStaff((scope) => enableTotp(scope, portal.config, codeAt(secret))), 'enabled');
    portal.clock.advance(2 * STEP);
    return { ...member, secret };
  }

  async function browserWithSession(accountId: string, awaitingSecondFactor: boolean) {
    const token = await portal.inTenant(north, ({ tx, tenantId, now }) =>
      openSession(tx, tenantId, accountId, now, { ip: null, userAgent: null }, { awaitingSecondFactor }),
    );
    const browser = new TestBrowser(portal.app);
    browser.cookies.set('pf_session', token);
    return browser;
  }

  const auditActions = (accountId: string) =>
    portal.inTenant(north, async ({ tx }) =>
      (await tx.selectFrom('audit_log').select('action').where('object_id', '=', accountId).orderBy('id').execute()).map((row) => row.action),
    );

  before(async () => {
    portal = await startTestPortal();
    north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord' });
  });
  after(() => portal.close());

  it('enables two-factor authentication only with a valid code, and keeps the secret encrypted', async () => {
    const { accountId, asStaff } = await staffMember('enrolment@nord.test');
    await asStaff((scope) => startTotpEnrolment(scope, portal.config));
    const { enrolment, enabledAt } = await asStaff((scope) => totpStatus(scope, portal.config));
    assert.equal(enabledAt, null);
    assert.ok(enrolment);
    assert.match(enrolment.secret, /^[A-Z2-7]{32}$/);
    assert.match(enrolment.uri, /^otpauth:\/\/totp\/Commune%20du%20Nord:enrolment%40nord\.test\?issuer=Commune%20du%20Nord&secret=[A-Z2-7]{32}&/);
    const stored = await portal.inTenant(north, ({ tx }) =>
      tx.selectFrom('accounts').select('totp_secret').where('id', '=', accountId).executeTakeFirstOrThrow(),
    );
    assert.match(stored.totp_secret ?? '', /^v1\./);
    assert.ok(!stored.totp_secret?.includes(enrolment.secret));

    assert.equal(await asStaff((scope) => enableTotp(scope, portal.config, wrongCode(enrolment.secret))), 'wrongCode');
    assert.equal(await portal.inTenant(north, ({ tx }) => requiresSecondFactor(tx, accountId)), false);
    assert.equal(await asStaff((scope) => enableTotp(scope, portal.config, codeAt(enrolment.secret))), 'enabled');
    assert.equal(await portal.inTenant(north, ({ tx }) => requiresSecondFactor(tx, accountId)), true);
    assert.deepEqual(await auditActions(accountId), ['account.created', 'account.totp_enabled']);
  });

  it('accepts the codes of the step before and after, not further', async () => {
    const { accountId, secret } = await enrolled('window@nord.test');
    const check = (code: string) => portal.inTenant(north, ({ tx, now }) => checkTotpCode(tx, portal.config, accountId, code, now));
    assert.equal(await check(codeAt(secret, -2)), false);
    assert.equal(await check(codeAt(secret, 2)), false);
    assert.equal(await check(codeAt(secret, -1)), true);
    assert.equal(await check(codeAt(secret, 0)), true);
    assert.equal(await check(codeAt(secret, 1)), true);
  });

  it('never accepts a code twice, nor an older one, even from two requests at once', async () => {
    const { accountId, secret } = await enrolled('replay@nord.test');
    const check = (code: string) => portal.inTenant(north, ({ tx, now }) => checkTotpCode(tx, portal.config, accountId, code, now));
    const code = codeAt(secret);
    assert.deepEqual((await Promise.all([check(code), check(code)])).sort(), [false, true]);
    assert.equal(await check(code), false);
    assert.equal(await check(codeAt(secret, -1)), false);
  });

  it('asks the code after the password, and opens staff pages only once it is given', async () => {
    const { accountId, secret } = await enrolled('login@nord.test');
    const browser = await browserWithSession(accountId, true);

    const staffPage = await browser.get('/nord/gestion/securite');
    assert.equal(staffPage.statusCode, 302);
    assert.equal(staffPage.headers.location, '/nord/connexion/code');

    const form = await browser.get('/nord/connexion/code');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1>Code de vérification<\/h1>/);
    assert.match(form.body, /autocomplete="one-time-code"/);
    // Half logged in: the staff space's header, a way out, and no navigation yet.
    assert.match(form.body, /fr-header__service-tagline">Espace gestion</);
    assert.doesNotMatch(form.body, /Espace famille|>Se connecter</);
    assert.match(form.body, /action="\/nord\/deconnexion"[\s\S]*Se déconnecter/);
    assert.doesNotMatch(form.body, /id="navigation"/);

    const wrong = await browser.post('/nord/connexion/code', { code: wrongCode(secret) });
    assert.equal(wrong.statusCode, 200);
    assert.match(wrong.body, /fr-input-group--error/);
    assert.match(wrong.body, /Ce code n’est pas valide ou a déjà servi/);
    assert.match(wrong.body, /id="error-summary"/);

    const badFormat = await browser.post('/nord/connexion/code', { code: '12 34' });
    assert.match(badFormat.body, /Saisissez les 6 chiffres du code/);
    assert.match(badFormat.body, /value="12 34"/);

    const right = await browser.post('/nord/connexion/code', { code: codeAt(secret).replace(/^(\d{3})/, '$1 ') });
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, '/nord/gestion');
    assert.equal((await browser.get('/nord/gestion/securite')).statusCode, 200);
    assert.equal((await browser.get('/nord/connexion/code')).headers.location, '/nord/');
    const failures = await portal.inTenant(north, ({ tx }) => tx.selectFrom('login_failures').selectAll().execute());
    assert.deepEqual(failures, []);
  });

  it('speaks English when asked', async () => {
    const { accountId } = await enrolled('english@nord.test');
    const browser = await browserWithSession(accountId, true);
    const form = await browser.get('/nord/connexion/code?lang=en');
    assert.match(form.body, /<h1>Verification code<\/h1>/);
    const wrong = await browser.post('/nord/connexion/code', { code: 'abc' });
    assert.match(wrong.body, /Enter the 6 digits of the code/);
  });

  it('sends back to the login page without a session awaiting a code', async () => {
    const browser = new TestBrowser(portal.app);
    assert.equal((await browser.get('/nord/connexion/code')).headers.location, '/nord/connexion');
    const csrf = new CsrfTokens(portal.config.secret).tokenFor(browser.cookies.get(CSRF_COOKIE) ?? '');
    const posted = await browser.post('/nord/connexion/code', { code: '123456' }, { csrf });
    assert.equal(posted.headers.location, '/nord/connexion');
  });

  it('ends the session after five wrong codes', async () => {
    const { accountId, secret } = await enrolled('locked@nord.test');
    const browser = await browserWithSession(accountId, true);
    await browser.get('/nord/connexion/code');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      assert.equal((await browser.post('/nord/connexion/code', { code: wrongCode(secret) })).statusCode, 200);
    }
    const fifth = await browser.post('/nord/connexion/code', { code: wrongCode(secret) });
    assert.equal(fifth.statusCode, 303);
    assert.equal(fifth.headers.location, '/nord/connexion');
    const sessions = await portal.inTenant(north, ({ tx }) => tx.selectFrom('sessions').select('token_hash').where('account_id', '=', accountId).execute());
    assert.deepEqual(sessions, []);
    assert.equal((await browser.get('/nord/connexion/code')).headers.location, '/nord/connexion');
    assert.deepEqual((await auditActions(accountId)).at(-1), 'account.second_factor_failed');

    // Until the failures are forgotten, a new login gets one try only; the right code still opens it.
    const again = await browserWithSession(accountId, true);
    await again.get('/nord/connexion/code');
    assert.equal((await again.post('/nord/connexion/code', { code: wrongCode(secret) })).headers.location, '/nord/connexion');
    const third = await browserWithSession(accountId, true);
    await third.get('/nord/connexion/code');
    assert.equal((await third.post('/nord/connexion/code', { code: codeAt(secret) })).headers.location, '/nord/gestion');
  });

  it('lets a staff member turn two-factor authentication on and off from the security page', async () => {
    const { accountId } = await staffMember('page@nord.test');
    const browser = await browserWithSession(accountId, false);

    const off = await browser.get('/nord/gestion/securite');
    assert.equal(off.statusCode, 200);
    assert.match(off.body, /La double authentification n’est pas activée/);
    assert.match(off.body, /name="action" value="start"/);

    const started = await browser.post('/nord/gestion/securite', { action: 'start' });
    assert.equal(started.statusCode, 303);
    const enrolment = await browser.follow(started);
    assert.match(enrolment.body, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="200" height="200"/);
    assert.match(enrolment.body, /role="img" aria-label="QR code à scanner avec votre application d’authentification"/);
    assert.doesNotMatch(enrolment.body, /style=/);
    const secret = /<code class="fr-text--lg">([A-Z2-7 ]+)<\/code>/.exec(enrolment.body)?.[1]?.replaceAll(' ', '') ?? '';
    assert.equal(secret.length, 32);

    const badFormat = await browser.post('/nord/gestion/securite', { action: 'enable', code: '12' });
    assert.match(badFormat.body, /Saisissez les 6 chiffres du code/);
    const wrong = await browser.post('/nord/gestion/securite', { action: 'enable', code: wrongCode(secret) });
    assert.match(wrong.body, /Ce code n’est pas valide/);
    assert.match(wrong.body, new RegExp(secret.slice(0, 4)), 'the same secret is shown again');

    const enabled = await browser.post('/nord/gestion/securite', { action: 'enable', code: codeAt(secret) });
    assert.equal(enabled.headers.location, '/nord/gestion/securite?fait=active');
    const on = await browser.follow(enabled);
    assert.match(on.body, /La double authentification est activée : le code vous sera demandé/);
    assert.match(on.body, /activée depuis le lundi 23 novembre 2026/);
    assert.doesNotMatch(on.body, /<svg xmlns/);

    portal.clock.advance(2 * STEP);
    assert.match(
      (await browser.post('/nord/gestion/securite', { action: 'disable', proof: '' })).body,
      /Saisissez le code affiché par votre application, ou votre mot de passe/,
    );
    assert.match((await browser.post('/nord/gestion/securite', { action: 'disable', proof: 'Pas1LeBon' })).body, /Ce code ou ce mot de passe n’est pas le bon/);
    const disabled = await browser.post('/nord/gestion/securite', { action: 'disable', proof: codeAt(secret) });
    assert.equal(disabled.headers.location, '/nord/gestion/securite?fait=desactive');
    assert.match((await browser.follow(disabled)).body, /La double authentification est désactivée/);

    const row = await portal.inTenant(north, ({ tx }) =>
      tx.selectFrom('accounts').select(['totp_secret', 'totp_enabled_at', 'totp_last_step']).where('id', '=', accountId).executeTakeFirstOrThrow(),
    );
    assert.deepEqual(row, { totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    assert.deepEqual(await auditActions(accountId), ['account.created', 'account.totp_enabled', 'account.totp_disabled']);
  });

  it('turns two-factor authentication off with the password, for whoever lost their phone', async () => {
    const { accountId } = await enrolled('lostphone@nord.test');
    const browser = await browserWithSession(accountId, false);
    await browser.get('/nord/gestion/securite');
    const disabled = await browser.post('/nord/gestion/securite', { action: 'disable', proof: PASSWORD });
    assert.equal(disabled.headers.location, '/nord/gestion/securite?fait=desactive');
    assert.equal(await portal.inTenant(north, ({ tx }) => requiresSecondFactor(tx, accountId)), false);
    const audit = await portal.inTenant(north, ({ tx }) =>
      tx.selectFrom('audit_log').select('details').where('action', '=', 'account.totp_disabled').where('object_id', '=', accountId).executeTakeFirstOrThrow(),
    );
    assert.deepEqual(audit.details, { proof: 'password' });
  });
});
