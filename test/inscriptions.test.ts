import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createActivity } from '../src/modules/activities/activity-setup.js';
import { TestBrowser, signedInBrowser } from './support/http-client.js';
import { createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

/** A Wednesday of the activity, after "now" (Monday 2 November 2026). */
const WEDNESDAY = '2026-11-25';
/** The next one, where the family's elder has a place. */
const BOOKED_WEDNESDAY = '2026-12-02';

describe('a family’s inscriptions and their pages, and the activity’s shuttle', () => {
  let s: WaitlistScenario;
  /** The family whose elder waits for a place on WEDNESDAY; the other family took it. */
  let family: TestFamily;
  let other: TestFamily;
  /** The elder's enrollment of each family. */
  let enrollmentId: string;
  let otherEnrollmentId: string;
  let foreignStopId: string;
  let manager: TestBrowser;
  let reader: TestBrowser;

  const enrollmentOf = (household: TestFamily) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('enrollments')
        .select('id')
        .where('child_id', '=', household.childIds[0]!)
        .where('activity_id', '=', s.activityId)
        .executeTakeFirstOrThrow()
        .then((row) => row.id),
    );
  const parentBrowser = async (household: TestFamily) => {
    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: household.email, password: PASSWORD });
    return browser;
  };
  const stopsPath = () => `/ville/gestion/activites/${s.activityId}/navettes`;
  const choiceOf = (id: string) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('shuttle_choices').select(['morning_stop_id', 'evening_stop_id', 'weekdays']).where('enrollment_id', '=', id).executeTakeFirst(),
    );

  before(async () => {
    s = await startWaitlistScenario({ families: 2, places: 1 });
    [other, family] = [s.families[0]!, s.families[1]!];
    assert.deepEqual(
      [...(await s.book(other, [{ unit: 'journee', day: WEDNESDAY }])), ...(await s.book(family, [{ unit: 'journee', day: WEDNESDAY }]))].map(
        (outcome) => outcome.kind,
      ),
      ['reserved', 'waitlisted'],
    );
    enrollmentId = await enrollmentOf(family);
    otherEnrollmentId = await enrollmentOf(other);
    const neighbour = await s.asStaff((scope) =>
      createActivity(scope, { name: 'Cantine', kind: 'canteen', site_id: null, starts_on: '2026-09-01', ends_on: '2027-07-03' }),
    );
    foreignStopId = await s.portal.inTenant(s.tenant, ({ tx, tenantId }) =>
      tx
        .insertInto('shuttle_stops')
        .values({ tenant_id: tenantId, activity_id: neighbour, name: 'Gare', morning_time: '07:30', evening_time: '18:00' })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((row) => row.id),
    );
    manager = await signedInBrowser(
      s.portal,
      s.tenant,
      (
        await s.portal.inTenant(s.tenant, ({ tx }) =>
          tx.selectFrom('accounts').select('id').where('email', '=', 'agent@example.test').executeTakeFirstOrThrow(),
        )
      ).id,
    );
    const readerAccount = await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' });
    reader = await signedInBrowser(s.portal, s.tenant, readerAccount.accountId);
  });
  after(() => s.portal.close());

  it('lists the household’s inscriptions with their dates, group and state in words, each linked to its page', async () => {
    const page = await (await parentBrowser(family)).get('/ville/inscriptions');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`href="/ville/inscriptions/${enrollmentId}"`));
    assert.match(page.body, /du 01\/09\/2026 au 03\/07\/2027/);
    assert.match(page.body, /6-11 ans/);
    assert.match(page.body, /3-5 ans/);
    assert.match(page.body, /Acceptée/);
    assert.doesNotMatch(page.body, new RegExp(otherEnrollmentId), 'the other household’s inscriptions are not listed');
  });

  it('shows an inscription’s bookings with their state and rank, the places, and the link to book', async () => {
    const page = await (await parentBrowser(family)).get(`/ville/inscriptions/${enrollmentId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Aîné — ALSH mercredis<\/h1>/);
    assert.match(page.body, /aria-current="page"[^>]*>\s*Réservations/);
    assert.match(page.body, /25\/11\/2026<\/td><td>Journée<\/td>/);
    assert.match(page.body, /Liste d’attente<\/p><span[^>]*>rang 1<\/span>/);
    assert.match(page.body, /6-11 ans : 1 place \(Journée, Matin\)/);
    assert.match(page.body, /3-5 ans : 1 place \(Journée, Matin\)/);
    assert.match(page.body, new RegExp(`href="/ville/reservations\\?enfant=${family.childIds[0]}&amp;activite=${s.activityId}"`));

    const waiting = await (await parentBrowser(family)).get(`/ville/inscriptions/${enrollmentId}/liste-attente`);
    assert.match(waiting.body, /25\/11\/2026<\/td><td>Journée<\/td>/);
    assert.match(waiting.body, /rang 1/);
    const taken = await (await parentBrowser(other)).get(`/ville/inscriptions/${otherEnrollmentId}/liste-attente`);
    assert.match(taken.body, /Votre enfant n’attend aucune place pour cette activité\./);
  });

  it('shows the activity’s information and the certificate of the accepted inscription', async () => {
    const browser = await parentBrowser(family);
    const information = await browser.get(`/ville/inscriptions/${enrollmentId}/informations`);
    assert.match(information.body, /Lieu<\/dt><dd>Non précisé/);
    assert.match(information.body, /Documents demandés/);
    const certificate = await browser.get(`/ville/inscriptions/${enrollmentId}/attestation`);
    const link = /href="(\/ville\/attestations\/presence\?[^"]+)"/.exec(certificate.body)?.[1]?.replace(/&amp;/g, '&');
    assert.equal(link, `/ville/attestations/presence?enfant=${family.childIds[0]}&du=2026-09-01&au=2027-07-03`);
    const pdf = await browser.get(link);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
  });

  it('answers 404 for another household’s inscription, page and shuttle alike', async () => {
    const browser = await parentBrowser(family);
    assert.equal((await browser.get(`/ville/inscriptions/${otherEnrollmentId}`)).statusCode, 404);
    assert.equal((await browser.get(`/ville/inscriptions/${otherEnrollmentId}/navettes`)).statusCode, 404);
    await browser.get(`/ville/inscriptions/${enrollmentId}/navettes`);
    const post = await browser.post(`/ville/inscriptions/${otherEnrollmentId}/navettes`, { matin: '', soir: '', jours: [] });
    assert.equal(post.statusCode, 404);
  });

  it('lets managers set up the stops, in the journal; read-only staff get 403 and families 404', async () => {
    await reader.get(stopsPath());
    assert.equal((await reader.get(`${stopsPath()}/arrets/nouveau`)).statusCode, 403);
    assert.equal((await reader.post(`${stopsPath()}/arrets/nouveau`, { name: 'Mairie', morningTime: '07:45' })).statusCode, 403);
    const parent = await parentBrowser(family);
    assert.equal((await parent.get(stopsPath())).statusCode, 404);
    assert.equal((await parent.get(`${stopsPath()}/arrets/nouveau`)).statusCode, 404);

    await manager.get(`${stopsPath()}/arrets/nouveau`);
    const refused = await manager.post(`${stopsPath()}/arrets/nouveau`, { name: 'Mairie', morningTime: '', eveningTime: '25h' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /id="error-summary"/);
    assert.match(refused.body, /value="Mairie"/, 'what was typed is kept');
    for (const stop of [
      { name: 'Mairie', morningTime: '7h45', eveningTime: '17:30' },
      { name: 'Stade', morningTime: '', eveningTime: '17:40' },
    ]) {
      const saved = await manager.post(`${stopsPath()}/arrets/nouveau`, stop);
      assert.equal(saved.statusCode, 302, saved.body.slice(0, 500));
    }
    const list = await manager.get(stopsPath());
    assert.match(list.body, /Mairie<\/td><td>07:45<\/td><td>17:30<\/td>/);
    assert.match(list.body, /Stade<\/td><td>—<\/td><td>17:40<\/td>/);
    const journal = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select('action').where('action', 'like', 'shuttle_stop.%').execute(),
    );
    assert.deepEqual(
      journal.map((row) => row.action),
      ['shuttle_stop.created', 'shuttle_stop.created'],
    );
  });

  it('saves the family’s choice of stops and days at once, and refuses a stop of another activity', async () => {
    const stops = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('shuttle_stops').select(['id', 'name']).where('activity_id', '=', s.activityId).orderBy('name').execute(),
    );
    const [mairie, stade] = [stops.find((stop) => stop.name === 'Mairie')!.id, stops.find((stop) => stop.name === 'Stade')!.id];
    const browser = await parentBrowser(family);
    const form = await browser.get(`/ville/inscriptions/${enrollmentId}/navettes`);
    assert.match(form.body, /Mairie à 07:45/);
    const morningChoices = /<select[^>]*name="matin">[\s\S]*?<\/select>/.exec(form.body)?.[0] ?? '';
    assert.match(morningChoices, /Mairie à 07:45/);
    assert.doesNotMatch(morningChoices, /Stade/, 'offered in the evening only');

    const foreign = await browser.post(`/ville/inscriptions/${enrollmentId}/navettes`, { matin: foreignStopId, soir: stade, jours: '3' });
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.body, /id="error-summary"/);
    assert.match(foreign.body, /Choisissez un des arrêts proposés\./);
    assert.equal(await choiceOf(enrollmentId), undefined, 'nothing saved');

    const noDay = await browser.post(`/ville/inscriptions/${enrollmentId}/navettes`, { matin: mairie, soir: '' });
    assert.equal(noDay.statusCode, 400);
    assert.match(noDay.body, /Cochez au moins un jour, ou choisissez « Pas de navette »\./);

    const saved = await browser.post(`/ville/inscriptions/${enrollmentId}/navettes`, { matin: mairie, soir: stade, jours: '3' });
    assert.equal(saved.statusCode, 302);
    const page = await browser.follow(saved);
    assert.match(page.body, /La navette de votre enfant est enregistrée\./);
    assert.match(page.body, /Arrêt du matin<\/dt><dd>Mairie à 07:45/);
    assert.match(page.body, /Arrêt du soir<\/dt><dd>Stade à 17:40/);
    assert.deepEqual(await choiceOf(enrollmentId), { morning_stop_id: mairie, evening_stop_id: stade, weekdays: [3] });
  });

  it('lists for staff, per day and stop, the children the shuttle takes, printable and as a spreadsheet', async () => {
    assert.deepEqual(
      (await s.book(family, [{ unit: 'journee', day: BOOKED_WEDNESDAY }])).map((outcome) => outcome.kind),
      ['reserved'],
    );
    const waiting = await reader.get(`${stopsPath()}?jour=25/11/2026`);
    assert.equal(waiting.statusCode, 200);
    assert.doesNotMatch(waiting.body, /Aîné FAMILLE1/, 'only waiting for a place that day: does not ride');
    const wednesday = await reader.get(`${stopsPath()}?jour=02/12/2026`);
    assert.equal(wednesday.statusCode, 200);
    assert.match(wednesday.body, /<h3>Mairie<\/h3>[\s\S]*Matin à 07:45, 02\/12\/2026[\s\S]*Aîné FAMILLE1[\s\S]*<h3>Stade<\/h3>/);
    assert.match(wednesday.body, /<h3>Stade<\/h3>[\s\S]*Soir à 17:40, 02\/12\/2026[\s\S]*Aîné FAMILLE1/);
    const printable = await reader.get(`${stopsPath()}?jour=2026-12-02&vue=impression`);
    assert.match(printable.body, /Liste éditée le/);
    assert.doesNotMatch(printable.body, /name="jour"/, 'no form on paper');
    assert.match(printable.body, /Aîné FAMILLE1/);
    const thursday = await reader.get(`${stopsPath()}?jour=2026-12-03`);
    assert.doesNotMatch(thursday.body, /Aîné FAMILLE1/, 'not a day of the child’s shuttle');
    const badDay = await reader.get(`${stopsPath()}?jour=31/02/2026`);
    assert.equal(badDay.statusCode, 400);
    assert.match(badDay.body, /value="31\/02\/2026"/);

    const csv = await reader.get(`${stopsPath()}/export.csv?jour=2026-12-02`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(csv.body, /Mairie;Matin;07:45;Aîné FAMILLE1;6-11 ans/);
    assert.match(csv.body, /Stade;Soir;17:40;Aîné FAMILLE1;6-11 ans/);
  });

  it('refuses to delete a stop a child’s shuttle uses, and says so', async () => {
    const mairie = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('shuttle_stops').select('id').where('name', '=', 'Mairie').executeTakeFirstOrThrow(),
    );
    const confirm = await manager.get(`${stopsPath()}/arrets/${mairie.id}/suppression`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /1 inscription/);
    const deleted = await manager.post(`${stopsPath()}/arrets/${mairie.id}/suppression`, {});
    assert.equal(deleted.statusCode, 302);
    assert.ok(await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('shuttle_stops').select('id').where('id', '=', mairie.id).executeTakeFirst()));
  });
});
