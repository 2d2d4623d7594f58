import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDefaultSubjects, listSubjects } from '../src/modules/messages/subjects.js';
import { startThread } from '../src/modules/messages/threads.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { createFamily, createStaff, familyActor, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const PATH = '/ville/gestion/messages/modeles';

describe('answer templates', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let manager: { accountId: string };
  let reader: { accountId: string };
  let canteenThread: string;
  let billingThread: string;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', firstName: 'Ana', lastName: 'LOPEZ', children: ['Noé'] });
    manager = await createStaff(portal, tenant, { email: 'agent@example.test', name: 'Paul Agent' });
    reader = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    await portal.inTenant(tenant, (scope) =>
      addDefaultSubjects(scope, [
        { label: 'Cantine', team: 'Restauration scolaire' },
        { label: 'Factures', team: 'Facturation' },
      ]),
    );
    const [canteen, billing] = await portal.inTenant(tenant, (scope) => listSubjects(scope));
    const write = async (subjectId: string, title: string) => {
      const outcome = await portal.inTenant(tenant, (scope) =>
        startThread({ ...scope, actor: familyActor(family) }, family.householdId, {
          subjectId,
          childId: undefined,
          title,
          body: 'Bonjour',
          file: null,
          fileTooLarge: false,
        }),
      );
      assert.equal(outcome.kind, 'sent');
      return (outcome as { threadId: string }).threadId;
    };
    canteenThread = await write(canteen!.id, 'Menu de Noé');
    billingThread = await write(billing!.id, 'Facture de novembre');
  });
  after(() => portal.close());

  const templateId = (name: string) =>
    portal.inTenant(tenant, async ({ tx }) => (await tx.selectFrom('answer_templates').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);

  async function reply(browser: TestBrowser, threadId: string, fields: Record<string, string>, file?: { filename: string; data: Buffer }) {
    await browser.get(`/ville/gestion/messages/${threadId}`);
    return postMultipart(portal, browser, `/ville/gestion/messages/${threadId}`, fields, file && { name: 'piece', ...file });
  }

  it('a manager adds templates, for every team or one; a missing text is said next to its field, keeping what was typed', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    assert.match((await staff.get(PATH)).body, /Aucun modèle de réponse/);
    await staff.get(`${PATH}/nouveau`);
    const refused = await staff.post(`${PATH}/nouveau`, { name: 'Accusé de réception', team: '', body: '   ' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Ce champ est obligatoire/);
    assert.match(refused.body, /value="Accusé de réception"/);
    const unknownTeam = await staff.post(`${PATH}/nouveau`, { name: 'X', team: 'Équipe inventée', body: 'Texte' });
    assert.equal(unknownTeam.statusCode, 400);
    const added = await staff.post(`${PATH}/nouveau`, { name: 'Accusé de réception', team: '', body: 'Nous avons bien reçu votre message.' });
    assert.equal(added.statusCode, 302, added.body);
    await staff.get(`${PATH}/nouveau`);
    const forTeam = await staff.post(`${PATH}/nouveau`, { name: 'Menus', team: 'Restauration scolaire', body: 'Les menus sont dans « Mes documents ».' });
    assert.equal(forTeam.statusCode, 302);
    const list = await staff.follow(forTeam);
    assert.match(list.body, /Accusé de réception/);
    assert.match(list.body, /Toutes les équipes/);
    assert.match(list.body, /Restauration scolaire/);
    const audit = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['action', 'actor_label']).where('action', 'like', 'answer_template.%').orderBy('id').execute(),
    );
    assert.deepEqual(
      audit.map((row) => row.action),
      ['answer_template.added', 'answer_template.added'],
    );
  });

  it('in a thread, the chosen template fills the answer after what was typed, without sending; another team’s template is not offered', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    const canteen = await staff.get(`/ville/gestion/messages/${canteenThread}`);
    assert.match(canteen.body, />Menus<\/option>/);
    assert.match(canteen.body, />Accusé de réception<\/option>/);
    const billing = await staff.get(`/ville/gestion/messages/${billingThread}`);
    assert.ok(!billing.body.includes('>Menus</option>'), 'a template of the canteen team is not offered to billing');
    const menus = await templateId('Menus');
    const filled = await reply(
      staff,
      canteenThread,
      { message: 'Bonjour Madame,', modele: menus, action: 'modele' },
      { filename: 'a.pdf', data: Buffer.from('%PDF-1.4\n') },
    );
    assert.equal(filled.statusCode, 200, filled.body);
    assert.match(filled.body, />Bonjour Madame,\n\nLes menus sont dans « Mes documents ».<\/textarea>/);
    assert.match(filled.body, /Le modèle « Menus » est ajouté à la réponse/);
    assert.match(filled.body, /Choisissez à nouveau le fichier/);
    const none = await reply(staff, canteenThread, { message: 'Gardé', modele: '', action: 'modele' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choisissez un modèle dans la liste/);
    assert.match(none.body, />Gardé<\/textarea>/);
    const foreign = await reply(staff, billingThread, { message: 'Gardé aussi', modele: menus, action: 'modele' });
    assert.equal(foreign.statusCode, 400, 'a template of another team is refused as an unknown choice');
    assert.match(foreign.body, />Gardé aussi<\/textarea>/);
    const sent = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('messages').select('id').where('author', '=', 'service').execute());
    assert.equal(sent.length, 0, 'using a template sends nothing');
    const answered = await reply(staff, canteenThread, { message: 'Bonjour Madame,\n\nLes menus sont dans « Mes documents ».' });
    assert.equal(answered.statusCode, 302);
  });

  it('read-only staff read the templates but may neither manage them nor use them to answer', async () => {
    const browser = await signedInBrowser(portal, tenant, reader.accountId);
    const list = await browser.get(PATH);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Votre rôle permet de lire les modèles/);
    assert.ok(!list.body.includes(`${PATH}/nouveau`), 'no link to add');
    assert.ok(!list.body.includes('/suppression'), 'no link to delete');
    const menus = await templateId('Menus');
    assert.equal((await browser.get(`${PATH}/nouveau`)).statusCode, 403);
    assert.equal((await browser.get(`${PATH}/${menus}`)).statusCode, 403);
    assert.equal((await browser.post(`${PATH}/nouveau`, { name: 'Intrus', team: '', body: 'Texte' })).statusCode, 403);
    assert.equal((await browser.post(`${PATH}/${menus}`, { name: 'Intrus', team: '', body: 'Texte' })).statusCode, 403);
    assert.equal((await browser.post(`${PATH}/${menus}/suppression`, {})).statusCode, 403);
    assert.equal((await reply(browser, canteenThread, { message: '', modele: menus, action: 'modele' })).statusCode, 403);
    const names = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('answer_templates').select('name').orderBy('name').execute());
    assert.deepEqual(
      names.map((row) => row.name),
      ['Accusé de réception', 'Menus'],
    );
  });

  it('a manager changes a template, then deletes it after a confirmation page; another authority’s template is not found', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    const menus = await templateId('Menus');
    const form = await staff.get(`${PATH}/${menus}`);
    assert.match(form.body, /Les menus sont dans « Mes documents »/);
    const changed = await staff.post(`${PATH}/${menus}`, { name: 'Menus du mois', team: 'Restauration scolaire', body: 'Les menus du mois sont publiés.' });
    assert.equal(changed.statusCode, 302);
    const confirm = await staff.get(`${PATH}/${menus}/suppression`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Menus du mois/);
    assert.match(confirm.body, /ne sera plus proposé/);
    assert.equal((await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('answer_templates').select('id').execute())).length, 2, 'nothing deleted yet');
    const deleted = await staff.post(`${PATH}/${menus}/suppression`, {});
    assert.equal(deleted.statusCode, 302);
    assert.equal((await staff.get(`${PATH}/${menus}`)).statusCode, 404);
    assert.equal((await staff.post(`${PATH}/${menus}/suppression`, {})).statusCode, 404);
    const audit = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', menus).orderBy('id').execute(),
    );
    assert.deepEqual(
      audit.map((row) => row.action),
      ['answer_template.added', 'answer_template.changed', 'answer_template.deleted'],
    );

    const elsewhere = await portal.addTenant({ slug: 'autre' });
    const theirs = await createStaff(portal, elsewhere, { email: 'agent@autre.test' });
    const theirBrowser = await signedInBrowser(portal, elsewhere, theirs.accountId);
    const kept = await templateId('Accusé de réception');
    assert.equal((await theirBrowser.get(`/autre/gestion/messages/modeles/${kept}`)).statusCode, 404);
    await theirBrowser.get('/autre/gestion/messages/modeles');
    assert.equal((await theirBrowser.post(`/autre/gestion/messages/modeles/${kept}/suppression`, {})).statusCode, 404);
    assert.doesNotMatch((await theirBrowser.get('/autre/gestion/messages/modeles')).body, /Accusé de réception/);
  });
});
