import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addBookingPeriod } from '../src/modules/activities/activity-setup.js';
import { billedKindOf } from '../src/modules/billing/billable.js';
import { CLOSURE_CANCELS } from '../src/modules/bookings/booking-states.js';
import { canMoveBooking } from '../src/modules/bookings/booking-transitions.js';
import { emailsTo } from './support/outbox.js';
import { loggedInBrowser, type TestBrowser } from './support/http-client.js';
import { createStaff } from './support/scenario.js';
import { startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const STRIKE = '2026-11-18';
const NEW = '/ville/gestion/calendrier/fermetures/nouvelle';

/**
 * A closure added on a day that holds bookings: staff see what it affects before anything is saved,
 * then the bookings, requests and waiting-list entries of that day are cancelled (reason
 * 'closure', never billed), their places freed, each household told by one email, the audit log
 * written, and the families' planning shows the day closed.
 */
describe('a closure that meets bookings', () => {
  let s: WaitlistScenario;
  let staff: TestBrowser;

  const signIn = (email: string) => loggedInBrowser(s.portal, email);

  before(async () => {
    s = await startWaitlistScenario({ families: 3, places: 2 });
    await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' });
    staff = await signIn('agent@example.test');
  });
  after(() => s.portal.close());

  const closures = () => s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('closures').select(['id', 'reason']).execute());
  const closedBookings = () =>
    s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('bookings').select(['id', 'status', 'reason', 'household_id']).where('day', '=', STRIKE).execute());

  it('shows what it will cancel, saves nothing until confirmed, then cancels unbilled, frees the places and tells each household once', async () => {
    // Family 0 books both children (and a meal), family 1 the older child: the older group is full,
    // so family 2's older child waits, rank 1.
    await s.book(s.families[0]!, [
      { unit: 'journee', day: STRIKE },
      { unit: 'journee', day: STRIKE, child: 1 },
      { unit: 'repas', day: STRIKE, child: 1 },
    ]);
    await s.book(s.families[1]!, [{ unit: 'journee', day: STRIKE }]);
    const [waiting] = await s.book(s.families[2]!, [{ unit: 'journee', day: STRIKE }]);
    assert.deepEqual(waiting, { kind: 'waitlisted', bookingId: (waiting as { bookingId: string }).bookingId, rank: 1 });
    assert.equal(await s.taken('grands', STRIKE), 2);
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.deleteFrom('outbox_emails').execute());

    const form = { target: 'all', firstDay: '18/11/2026', lastDay: '18/11/2026', reason: 'Grève' };
    const impact = await staff.post(NEW, form);
    assert.equal(impact.statusCode, 200);
    assert.match(impact.body, /Confirmer la fermeture/);
    assert.match(impact.body, /Réservations et demandes de réservation annulées, leurs places libérées : 4/);
    assert.match(impact.body, /Demandes en liste d’attente retirées : 1/);
    assert.match(impact.body, /Foyers prévenus, chacun par un seul courriel listant les jours annulés de ses enfants : 3/);
    assert.match(impact.body, /<td>ALSH mercredis<\/td><td>4<\/td><td>2<\/td><td>1<\/td>/);
    assert.match(impact.body, /name="confirmed" value="yes"/);
    assert.deepEqual(await closures(), [], 'nothing is saved before the confirmation');
    assert.ok((await closedBookings()).every((booking) => booking.status !== 'cancelled'));

    const back = await staff.post(NEW, { ...form, confirmed: 'yes', action: 'back' });
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /value="Grève"/, 'back to the form, as typed');
    assert.deepEqual(await closures(), []);

    // Read-only staff may not confirm; families do not reach the page.
    const reader = await signIn('lecture@example.test');
    assert.equal((await reader.post(NEW, { ...form, confirmed: 'yes' })).statusCode, 403);
    const family = await signIn(s.families[0]!.email);
    assert.equal((await family.post(NEW, { ...form, confirmed: 'yes' })).statusCode, 404);
    assert.deepEqual(await closures(), []);

    const confirmed = await staff.post(NEW, { ...form, confirmed: 'yes' });
    assert.equal(confirmed.statusCode, 302);
    const [closure] = await closures();
    assert.equal(closure?.reason, 'Grève');

    const after = await closedBookings();
    assert.equal(after.length, 5);
    for (const booking of after) {
      assert.equal(booking.status, 'cancelled');
      assert.equal(booking.reason, 'closure');
      assert.equal(billedKindOf(booking.status, false), null, 'a day cancelled by a closure is never billed');
    }
    assert.equal(await s.taken('grands', STRIKE), 0, 'the places are free again');
    assert.equal(await s.taken('petits', STRIKE), 0);
    assert.equal(await s.taken('repas', STRIKE), 0);

    const events = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('booking_events').select(['from_status', 'to_status', 'reason', 'actor_account_id']).where('reason', '=', 'closure').execute(),
    );
    assert.equal(events.length, 5);
    const agent = s.staff.kind === 'staff' ? s.staff.accountId : '';
    assert.ok(
      events.every((event) => event.to_status === 'cancelled' && event.actor_account_id === agent),
      'each booking says who cancelled it',
    );
    const audit = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['action', 'object_id', 'details', 'actor_account_id']).where('action', '=', 'closure.bookings_cancelled').execute(),
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.object_id, closure!.id);
    assert.equal((audit[0]!.details as { count: number }).count, 5);

    // One email per household, listing every day of its children.
    const first = await emailsTo(s.portal, s.tenant, s.families[0]!.email);
    assert.equal(first.length, 1);
    assert.match(first[0]!.subject, /Fermeture du service : réservations annulées/);
    assert.match(first[0]!.text_body, /Le service sera fermé \(Grève\)/);
    assert.match(first[0]!.text_body, /- Aîné, 18\/11\/2026 \(ALSH mercredis, Journée\) : réservation annulée/);
    assert.match(first[0]!.text_body, /- Cadet, 18\/11\/2026 \(ALSH mercredis, Journée\) : réservation annulée/);
    assert.match(first[0]!.text_body, /- Cadet, 18\/11\/2026 \(ALSH mercredis, Repas\) : réservation annulée/);
    assert.equal((await emailsTo(s.portal, s.tenant, s.families[1]!.email)).length, 1);
    const third = await emailsTo(s.portal, s.tenant, s.families[2]!.email);
    assert.equal(third.length, 1);
    assert.match(third[0]!.text_body, /Aîné, 18\/11\/2026 \(ALSH mercredis, Journée\) : demande en liste d’attente annulée/);

    // The family's planning shows the day closed by the service, not a cancellation of its own.
    const planning = await family.get(`/ville/reservations/planning?enfant=${s.families[0]!.childIds[0]}&mois=2026-11`);
    assert.equal(planning.statusCode, 200);
    assert.match(planning.body, /Réservation annulée par le service, fermé ce jour-là : non facturée — Grève/);
    assert.doesNotMatch(planning.body, /annuler=[0-9a-f-]{36}/, 'nothing left to cancel');
  });

  it('is saved at once when it meets no booking', async () => {
    const saved = await staff.post(NEW, { target: 'all', firstDay: '25/11/2026', lastDay: '25/11/2026', reason: 'Pont' });
    assert.equal(saved.statusCode, 302);
    assert.ok((await closures()).some((closure) => closure.reason === 'Pont'));
  });

  it('cancels only what can still be cancelled, and every such state may move to cancelled', () => {
    for (const status of CLOSURE_CANCELS) assert.ok(canMoveBooking(status, 'cancelled'), status);
    for (const status of ['present', 'absent_billed', 'absent_excused', 'late_cancelled'] as const)
      assert.ok(!(CLOSURE_CANCELS as readonly string[]).includes(status));
  });

  it('confirms a deletion first, and refuses to delete a booking period whose days hold bookings, saying what to do instead', async () => {
    await s.book(s.families[1]!, [{ unit: 'journee', day: '2026-12-02' }]);
    const period = (name: string, first: string, last: string) =>
      s.asStaff((scope) =>
        addBookingPeriod(scope, {
          activity_id: s.activityId,
          name,
          first_day: first,
          last_day: last,
          opens_at: new Date('2026-10-01T06:00:00Z'),
          closes_at: new Date('2026-11-30T22:00:00Z'),
        }),
      );
    const booked = await period('Décembre', '2026-12-01', '2026-12-18');
    const empty = await period('Janvier', '2027-01-04', '2027-01-29');
    const periods = () => s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('booking_periods').select('id').execute());
    const base = `/ville/gestion/activites/${s.activityId}/periodes`;

    const refused = await staff.get(`${base}/${booked}/suppression`);
    assert.equal(refused.statusCode, 200);
    assert.match(refused.body, /Supprimer « Décembre » \?/);
    assert.match(refused.body, /Suppression impossible : les jours de cette période portent des réservations \(nombre : 1\)/);
    assert.match(refused.body, /avancez plutôt sa date de fermeture/);
    assert.doesNotMatch(refused.body, /Supprimer définitivement/);
    assert.equal((await periods()).length, 2, 'asking deletes nothing');
    const forced = await staff.post(`${base}/${booked}/suppression`, {});
    assert.equal(forced.statusCode, 302);
    assert.match(forced.headers.location as string, /fait=refus-periodBookings-1/);
    assert.equal((await periods()).length, 2);

    const ask = await staff.get(`${base}/${empty}/suppression`);
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Les familles ne pourront plus réserver les jours de cette période/);
    assert.match(ask.body, /Supprimer définitivement/);
    assert.equal((await periods()).length, 2);
    assert.equal((await (await signIn('lecture@example.test')).get(`${base}/${empty}/suppression`)).statusCode, 403);
    assert.equal((await staff.post(`${base}/${empty}/suppression`, {})).statusCode, 302);
    assert.deepEqual(
      (await periods()).map((row) => row.id),
      [booked],
    );

    // Deleting a closure says what becomes of the bookings it cancelled.
    const [closure] = await closures();
    const closureAsk = await staff.get(`/ville/gestion/calendrier/fermetures/${closure!.id}/suppression`);
    assert.match(closureAsk.body, /Les réservations que cette fermeture a annulées restent annulées et non facturées/);
  });
});
