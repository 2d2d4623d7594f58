import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDefaultSubjects, listSubjects } from '../src/modules/messages/subjects.js';
import { startThread } from '../src/modules/messages/threads.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { createFamily, createStaff, familyActor, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('the staff’s count of threads waiting for the service', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let manager: { accountId: string };
  let reader: { accountId: string };
  let subjectId: string;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', lastName: 'LOPEZ', children: ['Noé'] });
    manager = await createStaff(portal, tenant, { email: 'agent@example.test' });
    reader = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    await portal.inTenant(tenant, (scope) => addDefaultSubjects(scope, [{ label: 'Cantine', team: 'Restauration scolaire' }]));
    subjectId = (await portal.inTenant(tenant, (scope) => listSubjects(scope)))[0]!.id;
  });
  after(() => portal.close());

  const familyWrites = async (title: string) => {
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
    return (outcome as { threadId: string }).threadId;
  };

  /** What the header says, the badge of the Messagerie link, and the home page's tile. */
  async function counts(browser: TestBrowser) {
    const home = await browser.get('/ville/gestion');
    assert.equal(home.statusCode, 200);
    return {
      header: /fr-icon-mail-line" href="\/ville\/gestion\/messages\?attente=oui">([^<]+)</.exec(home.body)?.[1],
      badge: /Messagerie<span class="fr-badge[^"]*">([^<]+)</.exec(home.body)?.[1] ?? null,
      tile: /Conversations en attente du service<\/a><\/h2><p class="fr-tile__desc"><strong[^>]*>(\d+)</.exec(home.body)?.[1],
    };
  }

  it('says in words that nothing waits, then counts the families’ new threads, for every staff role', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    assert.deepEqual(await counts(staff), { header: 'Aucune conversation en attente', badge: null, tile: '0' });
    await familyWrites('Menu de Noé');
    await familyWrites('Allergie');
    assert.deepEqual(await counts(staff), { header: 'Conversations en attente : 2', badge: '2 en attente', tile: '2' });
    const readOnly = await signedInBrowser(portal, tenant, reader.accountId);
    assert.deepEqual(await counts(readOnly), { header: 'Conversations en attente : 2', badge: '2 en attente', tile: '2' });
    const english = await staff.get('/ville/gestion?lang=en');
    assert.match(english.body, />Conversations waiting: 2</);
    const familyPage = await (await signedInBrowser(portal, tenant, family.accountId)).get('/ville/accueil');
    assert.ok(!/conversation en attente|Conversations en attente|attente=oui/i.test(familyPage.body), 'families never see the service’s count');
  });

  it('a thread stops waiting once answered, and waits again when the family writes; the inbox lists the waiting ones', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    const threads = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('message_threads').select(['id', 'title']).orderBy('title').execute());
    const allergy = threads.find((thread) => thread.title === 'Allergie')!.id;
    // A read-only look does not count as handled.
    await (await signedInBrowser(portal, tenant, reader.accountId)).get(`/ville/gestion/messages/${allergy}`);
    assert.equal((await counts(staff)).tile, '2');
    await staff.get(`/ville/gestion/messages/${allergy}`);
    const answered = await postMultipart(portal, staff, `/ville/gestion/messages/${allergy}`, { message: 'Bien reçu.' });
    assert.equal(answered.statusCode, 302);
    assert.deepEqual(await counts(staff), { header: 'Conversations en attente : 1', badge: '1 en attente', tile: '1' });
    const waiting = await staff.get('/ville/gestion/messages?attente=oui');
    assert.match(waiting.body, /Menu de Noé/);
    assert.ok(!waiting.body.includes('>Allergie<'), 'an answered thread is not listed as waiting');
    assert.match(waiting.body, /Seules les conversations en attente/);

    const familyBrowser = await signedInBrowser(portal, tenant, family.accountId);
    await familyBrowser.get(`/ville/messages/${allergy}`);
    const replied = await postMultipart(portal, familyBrowser, `/ville/messages/${allergy}`, { message: 'Merci, et pour le goûter ?' });
    assert.equal(replied.statusCode, 302);
    assert.equal((await counts(staff)).tile, '2');
    assert.match((await staff.get('/ville/gestion/messages?attente=oui')).body, />Allergie</);
  });

  it('another authority’s threads are not counted', async () => {
    const elsewhere = await portal.addTenant({ slug: 'autre' });
    const theirs = await createStaff(portal, elsewhere, { email: 'agent@autre.test' });
    const home = await (await signedInBrowser(portal, elsewhere, theirs.accountId)).get('/autre/gestion');
    assert.match(home.body, />Aucune conversation en attente</);
    assert.equal((await (await signedInBrowser(portal, elsewhere, theirs.accountId)).get('/autre/gestion/messages?attente=oui')).statusCode, 200);
  });
});
