import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDefaultSubjects, listSubjects } from '../src/modules/messages/subjects.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { apiLogin, callApi } from './support/api-scenario.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('PAI de Noé : allergie aux arachides')]);
const SECRET_WORDS = 'allergie aux arachides';

describe('messages between families and the service', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let other: TestFamily;
  let manager: { accountId: string; email: string };
  let reader: { accountId: string };
  let admin: { accountId: string };
  let subjectId: string;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', firstName: 'Ana', lastName: 'LOPEZ', children: ['Noé'] });
    other = await createFamily(portal, tenant, { email: 'bo@example.test', lastName: 'BO', children: ['Lou'] });
    manager = await createStaff(portal, tenant, { email: 'agent@example.test', name: 'Paul Agent' });
    reader = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader', name: 'Inès Lecture' });
    admin = await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin', name: 'Nadia Admin' });
    await portal.inTenant(tenant, (scope) =>
      addDefaultSubjects(scope, [
        { label: 'Cantine', team: 'Restauration scolaire', teamEmail: 'cantine@example.test' },
        { label: 'Factures', team: 'Facturation' },
      ]),
    );
    subjectId = (await portal.inTenant(tenant, (scope) => listSubjects(scope)))[0]!.id;
  });
  after(() => portal.close());

  async function send(browser: TestBrowser, url: string, fields: Record<string, string>, file?: { filename: string; data: Buffer }) {
    if (!browser.csrfToken()) await browser.get(url.replace(/\/(ecrire)?(\?.*)?$/, '/ecrire$2').replace(/\/messages\/[0-9a-f-]{36}$/, '/messages'));
    return postMultipart(portal, browser, url, fields, file && { name: 'piece', ...file });
  }

  async function unreadOnHome(browser: TestBrowser): Promise<string> {
    const home = await browser.get('/ville/accueil');
    return /Messages non lus : <strong>(\d+)<\/strong>/.exec(home.body)?.[1] ?? 'absent';
  }

  let threadId: string;

  it('refuses an empty message, a file that is not a PDF or an image, a child of another household, and keeps what was typed', async () => {
    const browser = await signedInBrowser(portal, tenant, family.accountId);
    await browser.get('/ville/messages/ecrire');
    const empty = await send(browser, '/ville/messages/ecrire', { sujet: subjectId, enfant: '', objet: 'Repas de Noé', message: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Ce champ est obligatoire/);
    assert.match(empty.body, /value="Repas de Noé"/);
    const disguised = await send(
      browser,
      '/ville/messages/ecrire',
      { sujet: subjectId, objet: 'Repas', message: 'Bonjour' },
      { filename: 'pai.pdf', data: Buffer.from('<html><script>alert(1)</script></html>') },
    );
    assert.equal(disguised.statusCode, 400);
    assert.match(disguised.body, /ni un PDF ni une image/);
    assert.match(disguised.body, />Bonjour<\/textarea>/);
    const tooLarge = await send(
      browser,
      '/ville/messages/ecrire',
      { sujet: subjectId, objet: 'Repas', message: 'Bonjour' },
      { filename: 'gros.pdf', data: Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024 + 10)]) },
    );
    assert.equal(tooLarge.statusCode, 400);
    assert.match(tooLarge.body, /dépasse 2 Mo/);
    const foreignChild = await send(browser, '/ville/messages/ecrire', { sujet: subjectId, enfant: other.childIds[0]!, objet: 'Repas', message: 'Bonjour' });
    assert.equal(foreignChild.statusCode, 400);
    assert.match(foreignChild.body, /Choisissez un enfant de votre foyer/);
    const noSubject = await send(browser, '/ville/messages/ecrire', { sujet: '', objet: 'Repas', message: 'Bonjour' });
    assert.match(noSubject.body, /Choisissez un sujet dans la liste/);
    const englishBrowser = await signedInBrowser(portal, tenant, family.accountId);
    await englishBrowser.get('/ville/messages/ecrire?lang=en');
    const english = await send(englishBrowser, '/ville/messages/ecrire?lang=en', { sujet: subjectId, objet: '', message: 'Hello' });
    assert.match(english.body, /This field is required|required/i);
    const count = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('message_threads').select('id').execute());
    assert.equal(count.length, 0, 'nothing was written');
  });

  it('a family writes with an attachment: HTML stays text, line breaks stay, the service is told by an email without content', async () => {
    const browser = await signedInBrowser(portal, tenant, family.accountId);
    await browser.get('/ville/messages/ecrire');
    const sent = await send(
      browser,
      '/ville/messages/ecrire',
      {
        sujet: subjectId,
        enfant: family.childIds[0]!,
        objet: '<script>alert("objet")</script>',
        message: `Bonjour,\nVoici le PAI : ${SECRET_WORDS}.\n<b>Merci</b>`,
      },
      { filename: 'PAI Noé.pdf', data: PDF },
    );
    assert.equal(sent.statusCode, 302, sent.body);
    threadId = /\/messages\/([0-9a-f-]{36})\?fait=envoye/.exec(String(sent.headers.location))![1]!;
    const page = await browser.follow(sent);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<script>alert("objet")'), 'the title is escaped');
    assert.match(page.body, /<h1>&lt;script>alert\(&quot;objet&quot;\)&lt;\/script><\/h1>/);
    assert.match(page.body, /Bonjour,<br\/>Voici le PAI/);
    assert.match(page.body, /&lt;b>Merci&lt;\/b>/);
    const stored = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('documents').select(['household_id', 'content_type', 'filename']).where('household_id', '=', family.householdId).execute(),
    );
    assert.deepEqual(stored, [{ household_id: family.householdId, content_type: 'application/pdf', filename: 'PAI Noé.pdf' }]);
    const attachment = /href="([^"]+\/pieces\/[^"]+)"/.exec(page.body)![1]!;
    const download = await browser.get(attachment);
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-disposition']), /^attachment/);
    const mails = await emailsTo(portal, tenant, 'cantine@example.test');
    assert.equal(mails.length, 1, 'the subject’s team is told');
    assert.ok(!mails[0]!.text_body.includes(SECRET_WORDS) && !mails[0]!.text_body.includes('script'), 'no content in the email');
    assert.ok(!mails[0]!.subject.includes('script'));
    assert.equal(linkIn(mails[0]!.text_body, '/ville/gestion/messages/'), `/ville/gestion/messages/${threadId}`);
    const folders = await browser.get('/ville/messages?dossier=envoyes');
    assert.match(folders.body, /Cantine/);
    assert.match((await browser.get('/ville/messages')).body, /Aucun message reçu du service/);
  });

  it('another household’s thread is not found, to pages and API alike', async () => {
    const neighbour = await signedInBrowser(portal, tenant, other.accountId);
    assert.equal((await neighbour.get(`/ville/messages/${threadId}`)).statusCode, 404);
    await neighbour.get('/ville/messages');
    assert.equal((await send(neighbour, `/ville/messages/${threadId}`, { message: 'Intrus' })).statusCode, 404);
    assert.equal((await neighbour.post(`/ville/messages/${threadId}/supprimer`, {})).statusCode, 404);
    const documentId = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('messages').select('document_id').where('thread_id', '=', threadId).executeTakeFirstOrThrow(),
    );
    assert.equal((await neighbour.get(`/ville/messages/${threadId}/pieces/${documentId.document_id}`)).statusCode, 404);
    const token = await apiLogin(portal, other);
    assert.equal((await callApi(portal, { url: `/ville/api/v1/threads/${threadId}`, token })).statusCode, 404);
    assert.equal(
      (await callApi(portal, { method: 'POST', url: `/ville/api/v1/threads/${threadId}/messages`, token, body: { body: 'Intrus' } })).statusCode,
      404,
    );
    const messages = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('messages').select('id').where('thread_id', '=', threadId).execute());
    assert.equal(messages.length, 1);
  });

  it('read-only staff read the inbox and the thread, but may not answer nor assign', async () => {
    const browser = await signedInBrowser(portal, tenant, reader.accountId);
    const inbox = await browser.get('/ville/gestion/messages');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /LOPEZ Ana/);
    const thread = await browser.get(`/ville/gestion/messages/${threadId}`);
    assert.equal(thread.statusCode, 200);
    assert.match(thread.body, /Votre rôle permet de lire les messages/);
    assert.equal((await send(browser, `/ville/gestion/messages/${threadId}`, { message: 'Réponse' })).statusCode, 403);
    assert.equal((await browser.post(`/ville/gestion/messages/${threadId}/attribuer`, { agent: manager.accountId })).statusCode, 403);
    assert.equal((await browser.post(`/ville/gestion/messages/${threadId}/clore`, {})).statusCode, 403);
    assert.equal((await browser.get('/ville/gestion/parametres/messagerie')).statusCode, 403);
    const unread = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('messages').select('read_at').where('thread_id', '=', threadId).executeTakeFirstOrThrow(),
    );
    assert.equal(unread.read_at, null, 'a reader’s look leaves it unread for those who answer');
  });

  it('staff filter, assign and answer, signed with the team; the family is told without content and its unread count moves', async () => {
    const familyBrowser = await signedInBrowser(portal, tenant, family.accountId);
    assert.equal(await unreadOnHome(familyBrowser), '0');
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    assert.match((await staff.get('/ville/gestion/messages?etat=new')).body, /LOPEZ Ana/);
    assert.match((await staff.get('/ville/gestion/messages?equipe=Facturation')).body, /Aucune conversation/);
    assert.match((await staff.get(`/ville/gestion/messages?sujet=${subjectId}`)).body, /LOPEZ Ana/);
    await staff.get(`/ville/gestion/messages/${threadId}`);
    const assigned = await staff.post(`/ville/gestion/messages/${threadId}/attribuer`, { agent: manager.accountId });
    assert.equal(assigned.statusCode, 302);
    assert.match((await staff.get(`/ville/gestion/messages?etat=in_progress&agent=${manager.accountId}`)).body, /LOPEZ Ana/);
    const unknown = await staff.post(`/ville/gestion/messages/${threadId}/attribuer`, { agent: reader.accountId });
    assert.match(String(unknown.headers.location), /erreur=agent/);
    await staff.get(`/ville/gestion/messages/${threadId}`);
    const empty = await send(staff, `/ville/gestion/messages/${threadId}`, { message: '' });
    assert.equal(empty.statusCode, 400);
    const answered = await send(staff, `/ville/gestion/messages/${threadId}`, { message: 'Bien reçu, le PAI est enregistré.\nÀ bientôt.' });
    assert.equal(answered.statusCode, 302, answered.body);
    const mails = await emailsTo(portal, tenant, family.email);
    assert.equal(mails.length, 1);
    assert.ok(!mails[0]!.text_body.includes('PAI') && !mails[0]!.text_body.includes('Bien reçu'), 'no content in the family’s email');
    assert.equal(linkIn(mails[0]!.text_body, '/ville/messages/'), `/ville/messages/${threadId}`);
    assert.equal(await unreadOnHome(familyBrowser), '1');
    const header = await familyBrowser.get('/ville/mes-demandes');
    assert.match(header.body, /Messagerie<span class="fr-badge[^"]*">1 non lu</);
    const read = await familyBrowser.get(`/ville/messages/${threadId}`);
    assert.match(read.body, /De Restauration scolaire, le/);
    assert.ok(!read.body.includes('Paul Agent'), 'families do not see staff names');
    assert.match(read.body, /Bien reçu, le PAI est enregistré.<br\/>À bientôt./);
    assert.equal(await unreadOnHome(familyBrowser), '0');
    const state = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('message_threads').select('state').where('id', '=', threadId).executeTakeFirstOrThrow(),
    );
    assert.equal(state.state, 'answered');
  });

  it('the family replies, bins and restores; the setting shows the staff member’s name', async () => {
    const familyBrowser = await signedInBrowser(portal, tenant, family.accountId);
    await familyBrowser.get(`/ville/messages/${threadId}`);
    const replied = await send(familyBrowser, `/ville/messages/${threadId}`, { message: 'Merci !' });
    assert.equal(replied.statusCode, 302);
    const state = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('message_threads').select('state').where('id', '=', threadId).executeTakeFirstOrThrow(),
    );
    assert.equal(state.state, 'in_progress', 'assigned, so in progress again');
    // Already told by email for this thread's first unread message? It was read: one more email to the assignee.
    assert.equal((await emailsTo(portal, tenant, manager.email)).length, 1);
    await familyBrowser.get(`/ville/messages/${threadId}`);
    assert.equal((await familyBrowser.post(`/ville/messages/${threadId}/supprimer`, {})).statusCode, 302);
    assert.match((await familyBrowser.get('/ville/messages?dossier=supprimes')).body, /&lt;script>/);
    assert.doesNotMatch((await familyBrowser.get('/ville/messages?dossier=envoyes')).body, /&lt;script>/);
    await familyBrowser.get(`/ville/messages/${threadId}`);
    assert.equal((await familyBrowser.post(`/ville/messages/${threadId}/restaurer`, {})).statusCode, 302);
    assert.match((await familyBrowser.get('/ville/messages?dossier=envoyes')).body, /&lt;script>/);

    const adminBrowser = await signedInBrowser(portal, tenant, admin.accountId);
    await adminBrowser.get('/ville/gestion/parametres/messagerie');
    assert.equal((await adminBrowser.post('/ville/gestion/parametres/messagerie/signature', { signature: 'person' })).statusCode, 302);
    assert.match((await familyBrowser.get(`/ville/messages/${threadId}`)).body, /De Paul Agent — Restauration scolaire/);
  });

  it('staff write first to a household from its file; the thread is the household’s only', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    const file = await staff.get(`/ville/gestion/foyers/${other.householdId}`);
    assert.match(file.body, new RegExp(`/ville/gestion/messages/ecrire\\?foyer=${other.householdId}`));
    await staff.get(`/ville/gestion/messages/ecrire?foyer=${other.householdId}`);
    const sent = await send(staff, `/ville/gestion/messages/ecrire?foyer=${other.householdId}`, {
      sujet: subjectId,
      objet: 'Menu de Noël',
      message: 'Le repas de Noël est le 17 décembre.',
    });
    assert.equal(sent.statusCode, 302, sent.body);
    const neighbour = await signedInBrowser(portal, tenant, other.accountId);
    assert.match((await neighbour.get('/ville/messages')).body, /Menu de Noël/);
    const familyBrowser = await signedInBrowser(portal, tenant, family.accountId);
    assert.doesNotMatch((await familyBrowser.get('/ville/messages')).body, /Menu de Noël/);
    const reader_ = await signedInBrowser(portal, tenant, reader.accountId);
    assert.equal((await reader_.get(`/ville/gestion/messages/ecrire?foyer=${other.householdId}`)).statusCode, 403);
  });

  it('administrators set the subjects and their teams; a duplicate name is refused next to its field', async () => {
    const browser = await signedInBrowser(portal, tenant, admin.accountId);
    await browser.get('/ville/gestion/parametres/messagerie');
    const added = await browser.post('/ville/gestion/parametres/messagerie/sujets', {
      libelle: 'Périscolaire',
      equipe: 'Périscolaire',
      adresse: '',
      actif: 'oui',
    });
    assert.equal(added.statusCode, 302);
    const duplicate = await browser.post('/ville/gestion/parametres/messagerie/sujets', { libelle: 'cantine', equipe: 'Équipe X', adresse: '' });
    assert.equal(duplicate.statusCode, 400);
    assert.match(duplicate.body, /Un sujet porte déjà ce nom/);
    assert.match(duplicate.body, /value="Équipe X"/);
    const badAddress = await browser.post('/ville/gestion/parametres/messagerie/sujets', {
      libelle: 'Transport',
      equipe: 'Navettes',
      adresse: 'pas-une-adresse',
    });
    assert.match(badAddress.body, /Saisissez une adresse électronique valide/);
    assert.match(badAddress.body, /value="pas-une-adresse"/);
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    assert.equal((await staff.get('/ville/gestion/parametres/messagerie')).statusCode, 403);
    const familyBrowser = await signedInBrowser(portal, tenant, family.accountId);
    assert.match((await familyBrowser.get('/ville/messages/ecrire')).body, /Périscolaire/);
  });

  it('the API lists threads, reads one with its attachment’s link, writes and replies', async () => {
    const token = await apiLogin(portal, family);
    const subjects = (await callApi(portal, { url: '/ville/api/v1/message-subjects', token })).json() as { subjects: { id: string }[] };
    assert.ok(subjects.subjects.length >= 2);
    const list = await callApi(portal, { url: '/ville/api/v1/threads?folder=sent', token });
    assert.equal(list.statusCode, 200);
    assert.equal((list.json() as { threads: { id: string }[] }).threads[0]!.id, threadId);
    const thread = (await callApi(portal, { url: `/ville/api/v1/threads/${threadId}`, token })).json() as {
      messages: { body: string; from: string; attachment: { url: string } | null }[];
    };
    assert.equal(thread.messages[0]!.from, 'family');
    const url = thread.messages[0]!.attachment!.url;
    const download = await callApi(portal, { url: url.replace(/^https?:\/\/[^/]+/, ''), token });
    assert.equal(download.statusCode, 200);
    assert.equal(download.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const invalid = await callApi(portal, {
      method: 'POST',
      url: '/ville/api/v1/threads',
      token,
      body: { subjectId, childId: other.childIds[0], title: 'x', body: 'y' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal((invalid.json() as { error: { fields: { field: string }[] } }).error.fields[0]!.field, 'childId');
    const written = await callApi(portal, {
      method: 'POST',
      url: '/ville/api/v1/threads',
      token,
      body: { subjectId, title: 'Depuis l’appli', body: 'Bonjour' },
    });
    assert.equal(written.statusCode, 201, written.body);
    const replied = await callApi(portal, { method: 'POST', url: `/ville/api/v1/threads/${threadId}/messages`, token, body: { body: 'Encore merci' } });
    assert.equal(replied.statusCode, 201);
  });
});
