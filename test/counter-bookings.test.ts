import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addGroup, createActivity } from '../src/modules/activities/activity-setup.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { loggedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { createStaff } from './support/scenario.js';
import { startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const DAY = '2026-11-25';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('certificat médical')]);

/**
 * The counter (issue #15, "Relais des enfants"): a manager acts for a family from its household's
 * page — books, cancels before and after the deadline, declares an absence, enrolls — with the
 * engine's rules, the family told by one email per action, the journal saying who did it.
 */
describe('acting for a family at the counter', () => {
  let s: WaitlistScenario;
  let other: Tenant;
  let manager: TestBrowser;
  let householdId: string;
  let childId: string;
  let counter: string;
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/&#x27;|&#39;/g, '’');
  const bookings = () =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('bookings')
        .select(['id', 'unit_id', 'status', 'created_by'])
        .where('child_id', '=', childId)
        .where('day', '=', DAY)
        .orderBy('created_at')
        .execute(),
    );
  const live = async (unit: 'journee' | 'repas') => (await bookings()).find((row) => row.unit_id === s.units[unit] && row.status !== 'cancelled');
  const audit = (action: string) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['actor_label', 'object_id', 'details']).where('action', '=', action).orderBy('id').execute(),
    );
  const outbox = () =>
    s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('outbox_emails').select(['to_address', 'subject', 'text_body']).orderBy('created_at').execute());
  const emptyOutbox = () => s.portal.inTenant(s.tenant, ({ tx }) => tx.deleteFrom('outbox_emails').execute());
  const choice = (unit: 'journee' | 'repas') => `${childId}|${s.units[unit]}|${DAY}`;

  before(async () => {
    s = await startWaitlistScenario({ families: 2, places: 2 });
    other = await s.portal.addTenant({ slug: 'voisine', name: 'Ville Voisine' });
    await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' });
    await createStaff(s.portal, other, { email: 'voisin@example.test', role: 'admin' });
    householdId = s.families[0]!.householdId;
    childId = s.families[0]!.childIds[0]!;
    counter = `/ville/gestion/foyers/${householdId}/enfants/${childId}/guichet`;
    manager = await loggedInBrowser(s.portal, 'agent@example.test');
  });
  after(() => s.portal.close());

  it('leads from the household’s page to each child’s counter, which offers the day’s units', async () => {
    const file = await manager.get(`/ville/gestion/foyers/${householdId}`);
    assert.equal(file.statusCode, 200);
    assert.match(file.body, new RegExp(`href="${counter}"`));
    const page = await manager.get(`${counter}?jour=${DAY}`);
    assert.equal(page.statusCode, 200);
    for (const unit of ['journee', 'repas'] as const) assert.match(page.body, new RegExp(`value="${childId}\\|${s.units[unit]}\\|${DAY}"`));
    assert.match(text(page.body), /réservation possible jusqu’au/);
  });

  it('books for the family with the engine, tells it by one email, and shows it as done by the service', async () => {
    await emptyOutbox();
    const sent = await manager.post(`${counter}/reserver`, { activite: s.activityId, jour: DAY, choix: [choice('journee'), choice('repas')] });
    assert.equal(sent.statusCode, 303);
    assert.match(sent.headers.location as string, new RegExp(`${counter}\\?jour=${DAY}&envoi=`));
    assert.match(text((await manager.follow(sent)).body), /Journée .*Réservée/);
    const rows = await bookings();
    assert.deepEqual(
      rows.map((row) => row.status),
      ['reserved', 'reserved'],
    );
    assert.ok(rows.every((row) => row.created_by !== null));
    const booked = await audit('booking.counter_booked');
    assert.equal(booked.length, 2);
    assert.equal(booked[0]!.actor_label, 'Agent Test');
    assert.deepEqual(booked[0]!.details, { householdId, childId, day: DAY, unitId: s.units.journee, pastDeadline: false });
    const mails = await outbox();
    assert.equal(mails.length, 1, 'one email for the whole form');
    assert.equal(mails[0]!.to_address, s.families[0]!.email);
    assert.match(mails[0]!.subject, /Le service a agi pour vous/);
    assert.match(mails[0]!.text_body, /25\/11\/2026 \(ALSH mercredis, Journée\) : réservée/);
    assert.match(mails[0]!.text_body, /\(ALSH mercredis, Repas\) : réservée/);

    const family = await loggedInBrowser(s.portal, s.families[0]!.email);
    assert.match(text((await family.get('/ville/mes-demandes')).body), /Réservation Fait par le service/);
    assert.match(text((await family.get(`/ville/reservations/planning?enfant=${childId}&mois=2026-11`)).body), /Journée \(par le service\) Réservée/);
  });

  it('applies the engine’s rules: a unit barred by another is not offered, nor booked when sent', async () => {
    const sent = await manager.post(`${counter}/reserver`, { activite: s.activityId, jour: DAY, choix: [`${childId}|${s.units.matin}|${DAY}`] });
    assert.match(text((await manager.follow(sent)).body), /Refusée/);
    assert.equal((await bookings()).length, 2);
  });

  it('says before cancelling that the day is not billed, then cancels before the deadline and tells the family', async () => {
    await emptyOutbox();
    const journee = await live('journee');
    const confirm = text((await manager.get(`${counter}?jour=${DAY}&annuler=${journee!.id}`)).body);
    assert.match(confirm, /cette journée ne sera pas facturée/);
    assert.match(confirm, /Seront annulés aussi, car ils en dépendent : Repas\./);
    assert.doesNotMatch(confirm, /Passer outre le délai/, 'nothing to pass before the deadline');
    const cancelled = await manager.post(`${counter}/annuler/${journee!.id}`, { jour: DAY });
    assert.equal(cancelled.statusCode, 303);
    assert.match(text((await manager.follow(cancelled)).body), /Réservation annulée pour la famille, non facturée/);
    assert.deepEqual(
      (await bookings()).map((row) => row.status),
      ['cancelled', 'cancelled'],
    );
    assert.equal((await audit('booking.counter_cancelled')).length, 2);
    const mails = await outbox();
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.text_body, /\(ALSH mercredis, Journée\) : annulée, non facturée/);
  });

  it('keeps to the deadlines unless staff tick "passer outre le délai", and records it on the booking and in the journal', async () => {
    await s.book(s.families[0]!, [{ unit: 'journee', day: DAY }]);
    s.portal.clock.set('2026-11-24T08:00:00Z');
    manager = await loggedInBrowser(s.portal, 'agent@example.test');
    const journee = await live('journee');

    const confirm = await manager.get(`${counter}?jour=${DAY}&annuler=${journee!.id}`);
    const words = text(confirm.body);
    assert.match(words, /Annulation impossible : le délai d’annulation est dépassé/);
    assert.match(words, /En passant outre le délai, la journée est annulée sans être facturée\./, 'what passing the deadline would do');
    assert.match(confirm.body, /name="hors_delai"/);

    const refused = await manager.post(`${counter}/annuler/${journee!.id}`, { jour: DAY });
    assert.match(refused.headers.location as string, /fait=refus-deadline_passed/);
    assert.equal((await live('journee'))?.status, 'reserved', 'the deadline holds without the override');

    await emptyOutbox();
    const passed = await manager.post(`${counter}/annuler/${journee!.id}`, { jour: DAY, hors_delai: '1' });
    assert.match(passed.headers.location as string, /fait=annulee/);
    assert.equal((await live('journee')) ?? null, null);
    const [event] = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('booking_events').select(['reason']).where('booking_id', '=', journee!.id).where('to_status', '=', 'cancelled').execute(),
    );
    assert.equal(event!.reason, 'staff_past_deadline');
    const late = await audit('booking.counter_cancelled_late');
    assert.equal(late.length, 1);
    assert.equal(late[0]!.object_id, journee!.id);
    assert.equal((late[0]!.details as { pastDeadline: boolean }).pastDeadline, true);
    assert.equal((await outbox()).length, 1);

    // "Who cancelled this booking?": the journal filtered on the booking answers it.
    const journal = text((await manager.get(`/ville/gestion/journal?objet=${journee!.id}`)).body);
    assert.match(journal, /Agent Test Annulé pour la famille, hors délai Réservation — Aîné FAMILLE0 — Journée — 25\/11\/2026/);
    assert.match(journal, /Motif : hors délai, au choix de l’agent/);
    const byHousehold = text((await manager.get(`/ville/gestion/journal?objet=${householdId}&type=bookings`)).body);
    assert.match(byHousehold, /Annulé pour la famille, hors délai/);
  });

  it('books after the deadline only with the override', async () => {
    const page = await manager.get(`${counter}?jour=${DAY}`);
    assert.match(text(page.body), /Délai de réservation passé : réservable seulement en cochant « Passer outre le délai »/);
    const refused = await manager.post(`${counter}/reserver`, { activite: s.activityId, jour: DAY, choix: [choice('journee')] });
    assert.match(text((await manager.follow(refused)).body), /Refusée/);
    assert.equal((await live('journee')) ?? null, null);

    const passed = await manager.post(`${counter}/reserver`, { activite: s.activityId, jour: DAY, choix: [choice('journee')], hors_delai: '1' });
    assert.match(text((await manager.follow(passed)).body), /Réservée/);
    const journee = await live('journee');
    assert.equal(journee?.status, 'reserved');
    const [event] = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('booking_events').select('reason').where('booking_id', '=', journee!.id).execute(),
    );
    assert.equal(event!.reason, 'staff_past_deadline');
    assert.equal((await audit('booking.counter_booked_late')).length, 1);
  });

  it('declares an absence for the family: a certificate for an illness, and an email that never names the reason', async () => {
    await emptyOutbox();
    await manager.get(`${counter}?jour=${DAY}`);
    const missing = await postMultipart(s.portal, manager, `${counter}/absence`, { du: DAY, motif: 'illness' });
    assert.equal(missing.statusCode, 400);
    assert.match(text(missing.body), /Veuillez corriger les erreurs suivantes .*Certificat médical : Joignez le certificat médical/);
    assert.match(missing.body, /<option value="illness" selected/, 'the reason chosen is kept');
    const declared = await postMultipart(
      s.portal,
      manager,
      `${counter}/absence`,
      { du: DAY, motif: 'illness' },
      { name: 'certificat', filename: 'certificat.pdf', data: PDF },
    );
    assert.equal(declared.statusCode, 303);
    const [absence] = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('absence_declarations').select(['child_id', 'reason', 'document_id', 'created_by']).execute(),
    );
    assert.equal(absence!.child_id, childId);
    assert.ok(absence!.document_id, 'the certificate is kept');
    assert.ok(absence!.created_by);
    const mails = await outbox();
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.text_body, /Aîné FAMILLE0 : absence déclarée le 25\/11\/2026/);
    assert.doesNotMatch(mails[0]!.text_body, /maladie|illness|certificat/i);
  });

  it('enrolls the child in an activity and group, accepted at once, and tells the family', async () => {
    const { activityId, groupId } = await s.asStaff(async (scope) => {
      const id = await createActivity(scope, {
        name: 'Cantine',
        kind: 'canteen',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [1, 2, 4, 5],
        opening: 'all',
        booking_deadline: { type: 'days_before', days: 1, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 1, time: '00:00' },
      });
      return { activityId: id, groupId: await addGroup(scope, { activity_id: id, name: 'Élémentaire' }) };
    });
    await emptyOutbox();
    const page = await manager.get(`${counter}?jour=${DAY}`);
    assert.match(page.body, new RegExp(`value="${activityId}:${groupId}"`));
    const wrong = await manager.post(`${counter}/inscrire`, { inscription: '', jour: DAY });
    assert.equal(wrong.statusCode, 400);
    assert.match(text(wrong.body), /Choisissez une activité et un groupe de la liste/);
    const enrolled = await manager.post(`${counter}/inscrire`, { inscription: `${activityId}:${groupId}`, jour: DAY });
    assert.equal(enrolled.statusCode, 303);
    const [row] = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('enrollments').select(['status', 'group_id']).where('activity_id', '=', activityId).where('child_id', '=', childId).execute(),
    );
    assert.deepEqual(row, { status: 'accepted', group_id: groupId });
    const mails = await outbox();
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.text_body, /inscrit à « Cantine », dans le groupe « Élémentaire »/);
    assert.equal((await audit('enrollment.created')).filter((entry) => (entry.details as { childId: string }).childId === childId).length, 2);
  });

  it('shows read-only staff the counter without its forms, and refuses each of their changes (403)', async () => {
    const reader = await loggedInBrowser(s.portal, 'lecture@example.test');
    const page = await reader.get(`${counter}?jour=${DAY}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /name="choix"/);
    assert.match(text(page.body), /Votre rôle permet de consulter cette page, pas d’agir pour la famille/);
    const before = await bookings();
    const journee = await live('journee');
    assert.equal((await reader.post(`${counter}/reserver`, { activite: s.activityId, choix: [choice('repas')] })).statusCode, 403);
    assert.equal((await reader.post(`${counter}/annuler/${journee!.id}`, { jour: DAY, hors_delai: '1' })).statusCode, 403);
    assert.equal((await reader.post(`${counter}/inscrire`, { inscription: `${s.activityId}:${s.groups.grands}` })).statusCode, 403);
    assert.equal((await postMultipart(s.portal, reader, `${counter}/absence`, { du: DAY, motif: 'family' })).statusCode, 403);
    assert.deepEqual(await bookings(), before);
  });

  it('is not found for families, for another household’s child or booking, and for another authority’s staff', async () => {
    const family = await loggedInBrowser(s.portal, s.families[0]!.email);
    assert.equal((await family.get(counter)).statusCode, 404);
    assert.equal((await family.post(`${counter}/reserver`, { activite: s.activityId, choix: [choice('repas')] })).statusCode, 404);

    const otherChild = s.families[1]!.childIds[0]!;
    assert.equal((await manager.get(`/ville/gestion/foyers/${householdId}/enfants/${otherChild}/guichet`)).statusCode, 404);
    const theirs = `${otherChild}|${s.units.repas}|${DAY}`;
    assert.equal((await manager.post(`${counter}/reserver`, { activite: s.activityId, choix: [theirs], hors_delai: '1' })).statusCode, 404);
    const [theirBooking] = await s.book(s.families[1]!, [{ unit: 'journee', day: '2026-12-02' }]);
    assert.ok(theirBooking && 'bookingId' in theirBooking);
    assert.equal((await manager.post(`${counter}/annuler/${theirBooking.bookingId}`, { jour: DAY, hors_delai: '1' })).statusCode, 404);
    assert.equal((await s.statuses('journee', '2026-12-02'))[1]![0]!.status, 'reserved');

    const neighbour = await loggedInBrowser(s.portal, 'voisin@example.test', 'voisine');
    assert.equal((await neighbour.get(`/voisine/gestion/foyers/${householdId}/enfants/${childId}/guichet`)).statusCode, 404);
  });
});
