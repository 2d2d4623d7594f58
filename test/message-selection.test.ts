import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDefaultSubjects, listSubjects } from '../src/modules/messages/subjects.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { emailsTo } from './support/outbox.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

/**
 * Staff write first to a selection (issue #14): every family of an activity, or of one of its
 * groups, gets the message in a thread of its own and an email without its content; families
 * outside the selection get nothing.
 */
describe('writing to the families of an activity or a group', () => {
  let s: WaitlistScenario;
  let manager: TestBrowser;
  let outsider: TestFamily;
  let subjectId: string;
  const path = (selection: string) => `/ville/gestion/messages/ecrire-aux-familles?selection=${encodeURIComponent(selection)}`;
  const threadsOf = (householdId: string) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('message_threads').select(['id', 'title', 'started_by']).where('household_id', '=', householdId).execute(),
    );

  before(async () => {
    s = await startWaitlistScenario({ families: 2 });
    outsider = await createFamily(s.portal, s.tenant, { email: 'ailleurs@example.test', lastName: 'AILLEURS' });
    await s.portal.inTenant(s.tenant, (scope) => addDefaultSubjects(scope, [{ label: 'Accueil de loisirs', team: 'Loisirs' }]));
    subjectId = (await s.portal.inTenant(s.tenant, (scope) => listSubjects(scope)))[0]!.id;
    manager = await signedInBrowser(s.portal, s.tenant, s.staff.kind === 'staff' ? s.staff.accountId : '');
  });
  after(() => s?.portal.close());

  it('shows who will receive it, then sends each family its own thread and an email without the message', async () => {
    const page = await manager.get(path(`${s.activityId}/${s.groups.petits}`));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Familles qui recevront ce message : 2/);
    assert.match(page.body, /FAMILLE0 Alice[\s\S]*FAMILLE1 Alice/);
    assert.doesNotMatch(page.body, /AILLEURS/);

    const empty = await postMultipart(s.portal, manager, path(`${s.activityId}/${s.groups.petits}`), {
      sujet: subjectId,
      objet: 'Sortie au parc',
      message: ' ',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /id="field-message-error"/);
    assert.match(empty.body, /value="Sortie au parc"/, 'what was typed is kept');
    assert.equal((await threadsOf(s.families[0]!.householdId)).length, 0, 'nothing sent to anyone');

    const sent = await postMultipart(s.portal, manager, path(`${s.activityId}/${s.groups.petits}`), {
      sujet: subjectId,
      objet: 'Sortie au parc',
      message: 'Prévoyez une casquette mercredi.',
    });
    assert.equal(sent.statusCode, 303);
    assert.match((await manager.follow(sent)).body, /une conversation par famille \(familles : 2\)/);
    for (const family of s.families) {
      const threads = await threadsOf(family.householdId);
      assert.deepEqual(
        threads.map((thread) => [thread.title, thread.started_by]),
        [['Sortie au parc', 'service']],
      );
      const [mail] = await emailsTo(s.portal, s.tenant, family.email);
      assert.ok(mail, `${family.email} is told`);
      assert.doesNotMatch(mail!.text_body, /casquette/, 'the email does not carry the message');
    }
    assert.equal((await threadsOf(outsider.householdId)).length, 0);
    assert.equal((await emailsTo(s.portal, s.tenant, outsider.email)).length, 0);
  });

  it('says when a selection has nobody, and does not know a made-up activity or group', async () => {
    const unknown = await manager.get(path('00000000-0000-4000-8000-000000000000'));
    assert.equal(unknown.statusCode, 404);
    assert.equal((await manager.get(path(`${s.activityId}/00000000-0000-4000-8000-000000000000`))).statusCode, 404);
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('enrollments').set({ status: 'withdrawn' }).execute());
    const nobody = await manager.get(path(s.activityId));
    assert.match(nobody.body, /Aucune famille dans cette sélection/);
  });

  it('is for those who run the service: read-only staff are refused, families do not find it', async () => {
    const reader = await signedInBrowser(
      s.portal,
      s.tenant,
      (await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' })).accountId,
    );
    assert.equal((await reader.get(path(s.activityId))).statusCode, 403);
    const family = await signedInBrowser(s.portal, s.tenant, s.families[0]!.accountId);
    assert.equal((await family.get(path(s.activityId))).statusCode, 404);
  });
});
