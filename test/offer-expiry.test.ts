import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { expireOverdueOffers, OFFER_EXPIRY_QUEUE, type OfferExpiryOptions } from '../src/modules/bookings/offer-expiry.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, subjectsTo } from './support/outbox.js';
import { PASSWORD } from './support/scenario.js';
import { openCalendar, startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const DAY = '2026-11-25';
const OFFERED = /Une place vous est proposée/;

/**
 * Four families want the two places of a day; the first cancels, so the third is offered the place
 * for 24 hours (until 3 November, 08:00 UTC); the fourth waits, rank 1.
 */
async function offerOnePlace(s: WaitlistScenario): Promise<void> {
  await s.reset('offer');
  const outcomes = [];
  for (const family of s.families) outcomes.push(...(await s.book(family, [{ unit: 'journee', day: DAY }])));
  const first = outcomes[0] as { bookingId: string };
  const family = s.families[0]!;
  await s.asFamily(family, (scope) => cancelBooking(scope, openCalendar, { householdId: family.householdId, bookingId: first.bookingId }));
  assert.deepEqual(
    (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
    ['cancelled', 'reserved', 'offered', 1],
  );
}

describe('time-limited offers expire', () => {
  let s: WaitlistScenario;
  let options: OfferExpiryOptions;
  const errors: unknown[] = [];

  before(async () => {
    s = await startWaitlistScenario({ families: 4, places: 2 });
    options = {
      db: s.portal.db,
      clock: s.portal.clock,
      mail: s.portal.services.mail,
      log: { error: (details) => errors.push(details) },
      publicUrl: s.portal.config.publicUrl,
    };
  });
  beforeEach(() => offerOnePlace(s));
  after(() => s.portal.close());

  it('leaves an offer alone until its time, then passes the place to the next child; both families are told', async () => {
    s.portal.clock.set('2026-11-03T07:59:59Z');
    assert.equal(await expireOverdueOffers(options), 0);
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
      ['cancelled', 'reserved', 'offered', 1],
    );

    s.portal.clock.set('2026-11-03T08:00:00Z');
    assert.equal(await expireOverdueOffers(options), 1);
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
      ['cancelled', 'reserved', 'cancelled', 'offered'],
    );
    const rows = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('bookings')
        .select(['child_id', 'reason', 'offer_expires_at'])
        .where('day', '=', DAY)
        .where('status', 'in', ['offered', 'cancelled'])
        .execute(),
    );
    const of = (index: number) => rows.find((row) => row.child_id === s.families[index]!.childIds[0]);
    assert.equal(of(2)!.reason, 'offer_expired');
    assert.equal(of(3)!.offer_expires_at!.toISOString(), '2026-11-04T08:00:00.000Z', 'the next child has the same time to answer');
    assert.equal(await s.taken('grands', DAY), 2);
    assert.match((await emailsTo(s.portal, s.tenant, 'parent3@example.test'))[0]?.subject ?? '', OFFERED);
    const gone = (await emailsTo(s.portal, s.tenant, 'parent2@example.test')).filter((mail) => /n’a pas été confirmée/.test(mail.subject));
    assert.equal(gone.length, 1, 'the family whose offer ran out is told, once');
    assert.deepEqual(errors, []);
  });

  it('links its emails to the authority’s portal, whole addresses as in every email', async () => {
    s.portal.clock.set('2026-11-03T08:00:00Z');
    assert.equal(await expireOverdueOffers(options), 1);
    const base = `${s.portal.config.publicUrl}/ville`;
    const offer = (await emailsTo(s.portal, s.tenant, 'parent3@example.test'))[0]!;
    assert.ok(offer.text_body.includes(`${base}/reservations/planning?enfant=${s.families[3]!.childIds[0]}&mois=2026-11`), offer.text_body);
    const gone = (await emailsTo(s.portal, s.tenant, 'parent2@example.test')).find((mail) => /n’a pas été confirmée/.test(mail.subject))!;
    assert.ok(gone.text_body.split('\n').includes(`${base}/reservations`), gone.text_body);
  });

  it('links the offer made when a family cancels on its planning page to the portal’s address', async () => {
    const family = s.families[1]!;
    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: 'parent1@example.test', password: PASSWORD });
    const planning = await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-11`);
    const bookingId = /annuler=([0-9a-f-]{36})/.exec(planning.body)![1]!;
    const cancelled = await browser.post(`/ville/reservations/${bookingId}/annuler`, { enfant: family.childIds[0]!, mois: '2026-11' });
    assert.equal(cancelled.statusCode, 302);
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
      ['cancelled', 'cancelled', 'offered', 'offered'],
    );
    const offer = (await emailsTo(s.portal, s.tenant, 'parent3@example.test')).find((mail) => OFFERED.test(mail.subject))!;
    assert.ok(
      offer.text_body.includes(`${s.portal.config.publicUrl}/ville/reservations/planning?enfant=${s.families[3]!.childIds[0]}&mois=2026-11`),
      offer.text_body,
    );
  });

  it('offers a place that staff freed too, rather than giving it outright: the list moves by the activity’s rule', async () => {
    const second = s.families[1]!;
    const booking = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('household_id', '=', second.householdId).executeTakeFirstOrThrow(),
    );
    await s.asStaff((scope) => cancelBooking(scope, openCalendar, { householdId: second.householdId, bookingId: booking.id }));
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
      ['cancelled', 'cancelled', 'offered', 'offered'],
    );
    assert.ok((await subjectsTo(s.portal, s.tenant, 'parent3@example.test')).some((subject) => OFFERED.test(subject)));
  });

  it('passes the place on once when two runs overlap', async () => {
    s.portal.clock.set('2026-11-03T09:00:00Z');
    const counts = await Promise.all([expireOverdueOffers(options), expireOverdueOffers(options)]);
    assert.equal(counts[0]! + counts[1]!, 1);
    const events = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('booking_events as e')
        .innerJoin('bookings as b', 'b.id', 'e.booking_id')
        .select(['b.child_id', 'e.from_status', 'e.to_status'])
        .where('e.at', '=', s.portal.clock.now())
        .execute(),
    );
    assert.deepEqual(
      events.map((event) => [s.families.findIndex((family) => family.childIds[0] === event.child_id), event.from_status, event.to_status]).sort(),
      [
        [2, 'offered', 'cancelled'],
        [3, 'waitlisted', 'offered'],
      ],
    );
    assert.equal(await s.taken('grands', DAY), 2);
    assert.equal((await subjectsTo(s.portal, s.tenant, 'parent3@example.test')).filter((subject) => OFFERED.test(subject)).length, 1);
    assert.deepEqual(errors, []);
  });
});

describe('the offer-expiry job', () => {
  let s: WaitlistScenario;
  before(async () => {
    s = await startWaitlistScenario({ families: 4, places: 2, portal: { jobs: true } });
    await offerOnePlace(s);
  });
  after(() => s.portal.close());

  it('is scheduled every minute on the job queue, and its worker expires the offers', async () => {
    const jobs = s.portal.services.jobs!;
    const schedules = await jobs.getSchedules();
    assert.deepEqual(
      schedules.filter((schedule) => schedule.name === OFFER_EXPIRY_QUEUE).map((schedule) => schedule.cron),
      ['* * * * *'],
    );
    s.portal.clock.set('2026-11-03T08:00:00Z');
    await jobs.send(OFFER_EXPIRY_QUEUE, {});
    const deadline = Date.now() + 30_000;
    let statuses: (string | number)[] = [];
    while (Date.now() < deadline) {
      statuses = (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status);
      if (statuses[3] === 'offered') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(statuses, ['cancelled', 'reserved', 'cancelled', 'offered']);
  });
});
