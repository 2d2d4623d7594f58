import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeStaffRole } from '../src/modules/identity/staff-accounts.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, TestBrowser } from './support/http-client.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** An administrator runs the team (issue #15): invite, role, disable, new invitation, lost second factor. */
describe('the team page of the back office', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let admin: TestBrowser;
  let adminId: string;
  let family: TestFamily;
  const staffIds: Record<string, string> = {};

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville' });
    adminId = (await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin', name: 'Anne Admin' })).accountId;
    for (const role of ['manager', 'reader'] as const) staffIds[role] = (await createStaff(portal, tenant, { email: `${role}@example.test`, role })).accountId;
    family = await createFamily(portal, tenant, { email: 'famille@example.test' });
    admin = await signedInBrowser(portal, tenant, adminId);
  });
  after(() => portal.close());

  const accountRow = (email: string) =>
    portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('accounts').select(['id', 'staff_role', 'status', 'totp_enabled_at']).where('email', '=', email).executeTakeFirst(),
    );
  const auditActions = (accountId: string) =>
    portal.inTenant(tenant, async ({ tx }) =>
      (await tx.selectFrom('audit_log').select('action').where('object_id', '=', accountId).orderBy('id').execute()).map((row) => row.action),
    );

  it('is for administrators: managers and read-only staff are refused, families do not find it', async () => {
    for (const role of ['manager', 'reader']) {
      const browser = await signedInBrowser(portal, tenant, staffIds[role]!);
      assert.equal((await browser.get('/ville/gestion/equipe')).statusCode, 403, role);
      await browser.get('/ville/gestion');
      assert.equal((await browser.post('/ville/gestion/equipe/invitation', { email: 'x@example.test', name: 'X', role: 'admin' })).statusCode, 403, role);
      assert.equal((await browser.post(`/ville/gestion/equipe/${staffIds.reader}`, { action: 'role', role: 'admin' })).statusCode, 403, role);
    }
    assert.equal((await accountRow('reader@example.test'))?.staff_role, 'reader');
    assert.equal((await accountRow('x@example.test')) ?? null, null);
    const parent = await signedInBrowser(portal, tenant, family.accountId);
    assert.equal((await parent.get('/ville/gestion/equipe')).statusCode, 404);
  });

  it('invites a colleague, who chooses a password through the link and logs in with the role given', async () => {
    const list = await admin.get('/ville/gestion/equipe');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Anne Admin/);
    await admin.get('/ville/gestion/equipe/invitation');
    const wrong = await admin.post('/ville/gestion/equipe/invitation', { name: 'Paul Nouveau', email: 'pas-une-adresse', role: 'manager' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="field-email-error"/);
    assert.ok(wrong.body.includes('value="Paul Nouveau"'), 'what was typed is kept');
    const taken = await admin.post('/ville/gestion/equipe/invitation', { name: 'Doublon', email: 'famille@example.test', role: 'manager' });
    assert.match(taken.body, /déjà celle d’un compte/);

    const invited = await admin.post('/ville/gestion/equipe/invitation', { name: 'Paul Nouveau', email: 'paul@example.test', role: 'manager' });
    assert.equal(invited.statusCode, 303);
    const page = await admin.follow(invited);
    assert.match(page.body, /L’invitation est envoyée/);
    assert.match(page.body, /Invité/);
    const [mail] = await emailsTo(portal, tenant, 'paul@example.test');
    const link = linkIn(mail!.text_body, '/ville/invitation/');

    const paul = new TestBrowser(portal.app);
    await paul.get(link);
    const chosen = await paul.post(link, { password: 'Un mot de passe solide 42', confirm: 'Un mot de passe solide 42' });
    assert.ok([302, 303].includes(chosen.statusCode), chosen.body);
    const account = await accountRow('paul@example.test');
    assert.equal(account?.status, 'active');
    assert.equal(account?.staff_role, 'manager');
    assert.deepEqual(await auditActions(account!.id), ['account.created', 'account.invited', 'account.activated']);
  });

  it('changes a role, and disables an account: its sessions end and it cannot log in until enabled again', async () => {
    const reader = await signedInBrowser(portal, tenant, staffIds.reader!);
    assert.equal((await reader.get('/ville/gestion')).statusCode, 200);
    await admin.get(`/ville/gestion/equipe/${staffIds.reader}`);
    const promoted = await admin.post(`/ville/gestion/equipe/${staffIds.reader}`, { action: 'role', role: 'manager' });
    assert.equal(promoted.statusCode, 303);
    assert.match((await admin.follow(promoted)).body, /Le rôle est changé/);
    assert.equal((await accountRow('reader@example.test'))?.staff_role, 'manager');

    const disabled = await admin.post(`/ville/gestion/equipe/${staffIds.reader}`, { action: 'disable' });
    assert.match((await admin.follow(disabled)).body, /Désactivé/);
    assert.equal((await reader.get('/ville/gestion')).statusCode, 302, 'the open session ended');
    const again = new TestBrowser(portal.app);
    await again.get('/ville/connexion');
    const refused = await again.post('/ville/connexion', { email: 'reader@example.test', password: PASSWORD });
    assert.notEqual(refused.headers.location, '/ville/gestion');
    await admin.post(`/ville/gestion/equipe/${staffIds.reader}`, { action: 'enable' });
    assert.equal((await accountRow('reader@example.test'))?.status, 'active');
    assert.deepEqual((await auditActions(staffIds.reader!)).slice(-3), ['account.role_changed', 'account.disabled', 'account.enabled']);
  });

  it('refuses to change one’s own account, and never leaves the authority without an active administrator', async () => {
    const own = await admin.post(`/ville/gestion/equipe/${adminId}`, { action: 'disable' });
    assert.equal(own.statusCode, 409);
    assert.match(own.body, /Vous ne pouvez pas changer votre propre compte ici/);
    // Two administrators demote each other at once: the second, still acting as the administrator
    // its session said it was, is refused.
    const second = (await createStaff(portal, tenant, { email: 'admin2@example.test', role: 'admin' })).accountId;
    const as =
      (accountId: string) =>
      (scope: Scope): Scope => ({ ...scope, actor: { kind: 'staff', accountId, role: 'admin', label: 'Admin' } });
    assert.equal(await portal.inTenant(tenant, (scope) => changeStaffRole(as(adminId)(scope), second, 'reader')), 'done');
    assert.equal(await portal.inTenant(tenant, (scope) => changeStaffRole(as(second)(scope), adminId, 'reader')), 'lastAdmin');
    assert.equal((await accountRow('admin@example.test'))?.staff_role, 'admin');
  });

  it('sends a new invitation that replaces the old link, and removes a lost second factor', async () => {
    await admin.post('/ville/gestion/equipe/invitation', { name: 'Lina Retard', email: 'lina@example.test', role: 'reader' });
    const lina = (await accountRow('lina@example.test'))!;
    const [first] = await emailsTo(portal, tenant, 'lina@example.test');
    portal.clock.advance(1000);
    const resent = await admin.post(`/ville/gestion/equipe/${lina.id}`, { action: 'reinvite' });
    assert.match((await admin.follow(resent)).body, /le lien précédent ne fonctionne plus/);
    const [second] = await emailsTo(portal, tenant, 'lina@example.test');
    const oldLink = linkIn(first!.text_body, '/ville/invitation/');
    assert.notEqual(linkIn(second!.text_body, '/ville/invitation/'), oldLink);
    const visitor = new TestBrowser(portal.app);
    assert.doesNotMatch((await visitor.get(oldLink)).body, /name="confirm"/, 'the old link no longer opens the form');

    await portal.inTenant(tenant, ({ tx }) =>
      tx.updateTable('accounts').set({ totp_enabled_at: portal.clock.now(), totp_secret: 'sealed' }).where('id', '=', staffIds.manager!).execute(),
    );
    const manager = await signedInBrowser(portal, tenant, staffIds.manager!);
    const page = await admin.get(`/ville/gestion/equipe/${staffIds.manager}`);
    assert.match(page.body, /Retirer la double authentification/);
    const reset = await admin.post(`/ville/gestion/equipe/${staffIds.manager}`, { action: 'reset-second-factor' });
    assert.equal(reset.statusCode, 303);
    assert.equal((await accountRow('manager@example.test'))?.totp_enabled_at, null);
    assert.equal((await manager.get('/ville/gestion')).statusCode, 302, 'its sessions ended');
    assert.ok((await auditActions(staffIds.manager!)).includes('account.second_factor_reset'));
  });
});
