import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { decideMany } from '../src/modules/bookings/booking-decisions.js';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import { emailsTo } from './support/outbox.js';
import { loggedInBrowser } from './support/http-client.js';
import { openCalendar, startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const WEDNESDAYS = ['2026-11-18', '2026-11-25', '2026-12-02', '2026-12-09', '2026-12-16'];
const MAIL = { tenantName: 'Ville', baseUrl: 'http://localhost/ville' };

/**
 * Families are told of what staff decide and of a waiting list once per batch: bulk-accepting five
 * days sends one email listing them, not five; a form whose days go on a waiting list sends one
 * email with their ranks.
 */
describe('one email per household per batch', () => {
  let s: WaitlistScenario;

  before(async () => {
    s = await startWaitlistScenario({ families: 3, places: 1 });
  });
  after(() => s.portal.close());
  beforeEach(() => s.reset());

  const requested = (familyIndex: number) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('household_id', '=', s.families[familyIndex]!.householdId).where('status', '=', 'requested').execute(),
    );

  it('bulk-accepting five days of two households sends one email to each, listing its days', async () => {
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('activities').set({ validation_mode: 'manual' }).execute());
    await s.book(
      s.families[0]!,
      WEDNESDAYS.slice(0, 4).map((day) => ({ unit: 'journee' as const, day })),
    );
    await s.book(s.families[1]!, [{ unit: 'journee', day: WEDNESDAYS[4]!, child: 1 }]);
    const items = [...(await requested(0)), ...(await requested(1))].map(({ id }) => ({ kind: 'booking' as const, id }));
    assert.equal(items.length, 5);

    // Through the validations page, as staff do it: a selection accepted at once.
    const staff = await loggedInBrowser(s.portal, 'agent@example.test');
    const page = await staff.post('/ville/gestion/validations', { act: 'accept:selection', ids: items.map((item) => `booking:${item.id}`) });
    assert.equal(page.statusCode, 200);

    const first = await emailsTo(s.portal, s.tenant, s.families[0]!.email);
    assert.equal(first.length, 1, 'one email for the four days');
    assert.match(first[0]!.subject, /Réponses du service à vos demandes/);
    for (const day of ['18/11/2026', '25/11/2026', '02/12/2026', '09/12/2026'])
      assert.match(first[0]!.text_body, new RegExp(`- Aîné, ${day} \\(ALSH mercredis, Journée\\) : réservation acceptée`));
    const second = await emailsTo(s.portal, s.tenant, s.families[1]!.email);
    assert.equal(second.length, 1);
    assert.match(second[0]!.subject, /Réservation acceptée pour Cadet/, 'a single decision keeps its own email');
  });

  it('a batch of refusals lists each day with the reason', async () => {
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('activities').set({ validation_mode: 'manual' }).execute());
    await s.book(s.families[0]!, [
      { unit: 'journee', day: WEDNESDAYS[0]! },
      { unit: 'journee', day: WEDNESDAYS[1]! },
    ]);
    const items = (await requested(0)).map(({ id }) => ({ kind: 'booking' as const, id }));
    const results = await s.asStaff((scope) => decideMany(scope, items, { accept: false, reason: 'Sortie complète' }, MAIL));
    assert.deepEqual(
      results.map((result) => result.result),
      ['done', 'done'],
    );
    const emails = await emailsTo(s.portal, s.tenant, s.families[0]!.email);
    assert.equal(emails.length, 1);
    assert.match(emails[0]!.text_body, /18\/11\/2026 \(ALSH mercredis, Journée\) : réservation refusée — Sortie complète/);
    assert.match(emails[0]!.text_body, /25\/11\/2026 \(ALSH mercredis, Journée\) : réservation refusée — Sortie complète/);
  });

  it('a child put on a waiting list is told its rank, one email for the whole form', async () => {
    await s.book(s.families[0]!, [{ unit: 'journee', day: WEDNESDAYS[0]! }]);
    await s.book(s.families[1]!, [{ unit: 'journee', day: WEDNESDAYS[0]! }]);
    assert.equal((await emailsTo(s.portal, s.tenant, s.families[0]!.email)).length, 0, 'a place given at once needs no email');
    const alone = await emailsTo(s.portal, s.tenant, s.families[1]!.email);
    assert.equal(alone.length, 1);
    assert.match(alone[0]!.subject, /Liste d’attente pour Aîné/);
    assert.match(alone[0]!.text_body, /votre demande pour Aîné est en liste d’attente, rang 1/);
    assert.match(alone[0]!.text_body, /\/reservations\/planning\?enfant=/);

    // Two days full in one form: one email listing both, with their ranks.
    await s.book(s.families[0]!, [{ unit: 'journee', day: WEDNESDAYS[1]! }]);
    await s.asFamily(s.families[2]!, (scope) =>
      requestBookings(scope, openCalendar, {
        householdId: s.families[2]!.householdId,
        activityId: s.activityId,
        choices: [WEDNESDAYS[0]!, WEDNESDAYS[1]!].map((day) => ({ childId: s.families[2]!.childIds[0]!, unitId: s.units.journee, day })),
      }),
    );
    const both = await emailsTo(s.portal, s.tenant, s.families[2]!.email);
    assert.equal(both.length, 1);
    assert.match(both[0]!.subject, /Demandes en liste d’attente/);
    assert.match(both[0]!.text_body, /- Aîné, 18\/11\/2026 \(ALSH mercredis, Journée\) : liste d’attente, rang 2/);
    assert.match(both[0]!.text_body, /- Aîné, 25\/11\/2026 \(ALSH mercredis, Journée\) : liste d’attente, rang 1/);
  });

  it('is written in the language of each account', async () => {
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('accounts').set({ locale: 'en' }).where('id', '=', s.families[1]!.accountId).execute());
    await s.book(s.families[0]!, [{ unit: 'journee', day: WEDNESDAYS[2]! }]);
    await s.book(s.families[1]!, [{ unit: 'journee', day: WEDNESDAYS[2]! }]);
    const [email] = await emailsTo(s.portal, s.tenant, s.families[1]!.email);
    assert.match(email!.subject, /Waiting list for Aîné/);
    assert.match(email!.text_body, /on the waiting list, rank 1/);
  });
});
