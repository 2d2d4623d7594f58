import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { createStaff } from './support/scenario.js';
import { openCalendar, startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

/**
 * The audit log readable (issue #15): who, what and on which object in words, filtered by person,
 * object, kind and dates, paged past the last 200 entries, logins apart; it answers "who cancelled
 * this booking".
 */
describe('the journal of the back office', () => {
  let s: WaitlistScenario;
  let reader: TestBrowser;
  let readerId: string;
  /** The journal's rows as a reader hears them. */
  const main = (html: string) => (/<tbody[\s\S]*<\/tbody>/.exec(html)?.[0] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  before(async () => {
    s = await startWaitlistScenario({ families: 2 });
    readerId = (await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader', name: 'Inès Lecture' })).accountId;
    const [booked] = await s.book(s.families[0]!, [{ unit: 'journee', day: '2026-11-18' }]);
    assert.equal(booked?.kind, 'reserved', JSON.stringify(booked));
    const bookingId = await s.portal.inTenant(
      s.tenant,
      async ({ tx }) => (await tx.selectFrom('bookings').select('id').where('day', '=', '2026-11-18').executeTakeFirstOrThrow()).id,
    );
    s.portal.clock.set(new Date('2026-11-05T10:00:00Z'));
    const cancelled = await s.asFamily(s.families[0]!, (scope) => cancelBooking(scope, openCalendar, { householdId: s.families[0]!.householdId, bookingId }));
    assert.equal(cancelled.kind, 'cancelled', JSON.stringify(cancelled));
    reader = await signedInBrowser(s.portal, s.tenant, readerId);
  });
  after(() => s?.portal.close());

  it('answers who cancelled a booking, in words, with the child, the unit and the day', async () => {
    const page = await reader.get(`/ville/gestion/journal?objet=${s.families[0]!.householdId}`);
    assert.equal(page.statusCode, 200);
    const text = main(page.body);
    assert.match(text, /Alice FAMILLE0 Réservation : Réservée → Annulée Réservation — Aîné FAMILLE0 — Journée — 18\/11\/2026/);
    assert.doesNotMatch(page.body, /booking\.cancelled|"to":/, 'no codes or JSON for a booking’s move');
  });

  it('filters by who, by kind and by dates, and keeps logins apart', async () => {
    await s.portal.inTenant(s.tenant, ({ tx, tenantId }) =>
      tx
        .insertInto('audit_log')
        .values({
          tenant_id: tenantId,
          at: new Date('2026-11-04T09:00:00Z'),
          actor_account_id: readerId,
          actor_label: 'Inès Lecture',
          action: 'account.login',
          object_type: 'account',
          object_id: readerId,
          ip: '192.0.2.7',
        })
        .execute(),
    );
    const all = main((await reader.get('/ville/gestion/journal')).body);
    assert.doesNotMatch(all, /Connexion/);
    assert.match(all, /Réservation : Réservée → Annulée/);
    const logins = main((await reader.get('/ville/gestion/journal?type=logins')).body);
    assert.match(logins, /Inès Lecture Connexion Compte — Inès Lecture/);
    assert.match(logins, /Adresse IP : 192\.0\.2\.7/);
    assert.doesNotMatch(logins, /Réservation :/);

    const byFamilies = main((await reader.get('/ville/gestion/journal?qui=familles')).body);
    assert.match(byFamilies, /Annulée/);
    assert.doesNotMatch(byFamilies, /Inès Lecture/);
    const byReader = main((await reader.get(`/ville/gestion/journal?qui=${readerId}&type=logins`)).body);
    assert.match(byReader, /Connexion/);
    const activities = main((await reader.get('/ville/gestion/journal?type=activities')).body);
    assert.match(activities, /Activité créée Activité — ALSH mercredis/);
    assert.doesNotMatch(activities, /Réservation :/);

    const before = main((await reader.get('/ville/gestion/journal?du=01/01/2026&au=01/11/2026')).body);
    assert.doesNotMatch(before, /Réservation : Réservée → Annulée/, 'cancelled on 5 November');
    const wrong = await reader.get('/ville/gestion/journal?du=31/02/2026&au=01/11/2026');
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="field-du-error"[^>]*>[^<]*Saisissez une date valide/);
    assert.match(wrong.body, /name="au"[^>]*value="01\/11\/2026"/, 'what was typed is kept');
    const reversed = await reader.get('/ville/gestion/journal?du=02/11/2026&au=01/11/2026');
    assert.match(reversed.body, /La date de début doit précéder la date de fin/);
  });

  it('pages beyond the last 200 entries', async () => {
    await s.portal.inTenant(s.tenant, ({ tx, tenantId }) =>
      tx
        .insertInto('audit_log')
        .values(
          Array.from({ length: 230 }, (_, index) => ({
            tenant_id: tenantId,
            at: new Date(Date.UTC(2026, 9, 1, 8, index)),
            actor_label: 'Agent',
            action: 'news.published',
            object_type: 'news',
            object_id: `old-${index}`,
          })),
        )
        .execute(),
    );
    const first = await reader.get('/ville/gestion/journal?type=messages');
    assert.equal((first.body.match(/Actualité publiée/g) ?? []).length, 50);
    assert.match(first.body, /Plus anciennes/);
    const fifth = await reader.get('/ville/gestion/journal?type=messages&page=5');
    assert.equal((fifth.body.match(/Actualité publiée/g) ?? []).length, 30, '230 entries: 4 pages of 50 and 30');
    assert.doesNotMatch(fifth.body, /Plus anciennes/);
    assert.match(fifth.body, /Plus récentes/);
  });

  it('is staff’s only: families do not find it', async () => {
    const family = await signedInBrowser(s.portal, s.tenant, s.families[1]!.accountId);
    assert.equal((await family.get('/ville/gestion/journal')).statusCode, 404);
  });
});
