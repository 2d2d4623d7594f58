import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { addCapacityPool, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { occupyBookingLine } from './support/booking-line.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, familyActor, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

let portal: TestPortal;
let tenant: Tenant;
let families: TestFamily[];
let activityId: string;
let unitId: string;

before(async () => {
  portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
  tenant = await portal.addTenant({ slug: 'ville' });
  families = [];
  for (let index = 0; index < 4; index++) families.push(await createFamily(portal, tenant, { email: `p${index}@example.test`, lastName: `F${index}` }));
  await portal.inTenant(tenant, async (base) => {
    const scope = { ...base, actor: SYSTEM };
    activityId = await createActivity(scope, {
      name: 'Été',
      kind: 'alsh_holidays',
      site_id: null,
      starts_on: '2027-07-05',
      ends_on: '2027-08-27',
      weekdays: [1, 2, 3, 4, 5],
      opening: 'all',
      requires_enrollment: false,
    });
    unitId = await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J' });
    await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [unitId], places: 10 });
  });
});
after(() => portal.close());

/** A browser of `family`, logged in, on the booking page. */
async function atBookingPage(family: TestFamily): Promise<TestBrowser> {
  const browser = new TestBrowser(portal.app);
  await browser.get('/ville/connexion');
  await browser.post('/ville/connexion', { email: family.email, password: PASSWORD });
  await browser.get('/ville/reservations');
  return browser;
}

it('answers a rush beyond the line’s capacity with 503 and Retry-After, books nothing for those, and lets them send again', async () => {
  const [holder, ...parents] = families;
  const browsers = await Promise.all(parents.map(async (family) => ({ browser: await atBookingPage(family), family })));
  // Another family's submission is being answered (held from the test, so that the rush is deterministic).
  const holderChoice = { childId: holder!.childIds[0]!, unitId, day: '2027-07-19' };
  const release = await occupyBookingLine(portal, tenant, {
    actor: familyActor(holder!),
    householdId: holder!.householdId,
    activityId,
    choices: [holderChoice],
  });
  const responses = await Promise.all(
    browsers.map(({ browser, family }) => browser.post('/ville/reservations', { activite: activityId, choix: [`${family.childIds[0]}|${unitId}|2027-07-19`] })),
  );
  const held = await release();
  assert.equal((held as { results: { outcome: { kind: string } }[] }).results[0]!.outcome.kind, 'reserved', 'the submission answered meanwhile is booked');
  const shed = responses.filter((response) => response.statusCode === 503);
  assert.equal(shed.length, 3, 'every request is shed while the line is busy');
  // Each is told its place, one each in the order they were read, and when the page sends it again.
  assert.deepEqual(shed.map((response) => Number(/vous êtes n° (\d+) dans la file/.exec(response.body)?.[1])).sort(), [1, 2, 3]);
  for (const response of shed) {
    // Told to come back within a second: the line lets one in a round, of a few hundred milliseconds.
    const waitMs = Number(/data-retry-in-ms="(\d+)"/.exec(response.body)?.[1]);
    assert.ok(waitMs >= 500 && waitMs <= 1000, `told to come back after ${waitMs} ms`);
    assert.equal(response.headers['retry-after'], '1');
    assert.match(response.body, /rien n’a été réservé/);
    assert.match(response.body, /name="ticket" value="\d+\.[A-Za-z0-9_-]{43}"/);
    // The page shared by everyone turned away names nobody: it neither offers to log in nor to log out.
    assert.doesNotMatch(response.body, /Se connecter|Se déconnecter/);
  }
  const booked = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('household_id').execute());
  assert.deepEqual(
    booked.map((row) => row.household_id),
    [holder!.householdId],
    'a shed request books nothing',
  );

  // The page sends the same choices again (the hidden fields of the 503 page): they are booked.
  for (const [index, response] of responses.entries()) {
    if (response.statusCode !== 503) continue;
    const { browser, family } = browsers[index]!;
    const choices = [...response.body.matchAll(/name="choix" value="([^"]+)"/g)].map((match) => match[1]!);
    assert.deepEqual(choices, [`${family.childIds[0]}|${unitId}|2027-07-19`]);
    const again = await browser.follow(await browser.post('/ville/reservations', { activite: activityId, choix: choices, ticket: ticketOf(response.body) }));
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /Réservée/);
  }
  const total = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('id').execute());
  assert.equal(total.length, 4);
});

it('refuses a booking form forged by another site even when the line is full, instead of sending it again with a valid token', async () => {
  const [holder, parent] = families;
  const browser = await atBookingPage(parent!);
  const token = browser.csrfToken()!;
  const release = await occupyBookingLine(portal, tenant, {
    actor: familyActor(holder!),
    householdId: holder!.householdId,
    activityId,
    choices: [{ childId: holder!.childIds[0]!, unitId, day: '2027-07-20' }],
  });
  const form = { activite: activityId, choix: [`${parent!.childIds[0]}|${unitId}|2027-07-20`] };
  const withoutToken = await browser.post('/ville/reservations', form, { csrf: false });
  const withWrongToken = await browser.post('/ville/reservations', form, { csrf: 'not-this-sites-token' });
  // A box that the page never offers, sent back as it came but escaped: nothing of it runs in the page.
  const genuine = await browser.post('/ville/reservations', { ...form, choix: [...form.choix, 'x"><b>bold</b>'] }, { csrf: token });
  await release();
  for (const forged of [withoutToken, withWrongToken]) {
    assert.equal(forged.statusCode, 403);
    assert.doesNotMatch(forged.body, /data-auto-retry/, 'no page that would send the forged choices again');
  }
  assert.equal(genuine.statusCode, 503, 'the genuine form, turned away, is offered to be sent again');
  assert.match(genuine.body, /data-auto-retry="2"/);
  assert.ok(genuine.body.includes('name="choix" value="x&quot;&gt;&lt;b&gt;bold&lt;/b&gt;"'), 'the odd box is sent back escaped');
  assert.doesNotMatch(genuine.body, /<b>bold/);
  const booked = await portal.inTenant(tenant, ({ tx }) =>
    tx.selectFrom('bookings').select('id').where('household_id', '=', parent!.householdId).where('day', '=', '2027-07-20').execute(),
  );
  assert.equal(booked.length, 0);
});

it('answers a booking let in but kept waiting too long with the same page to send again, its session read', async () => {
  const [holder, parent] = families;
  const browser = await atBookingPage(parent!);
  const release = await occupyBookingLine(
    portal,
    tenant,
    { actor: familyActor(holder!), householdId: holder!.householdId, activityId, choices: [{ childId: holder!.childIds[0]!, unitId, day: '2027-07-21' }] },
    { maxAdmitted: 2, maxWaitMs: 100 },
  );
  const choice = `${parent!.childIds[0]}|${unitId}|2027-07-21`;
  const waitedTooLong = await browser.post('/ville/reservations', { activite: activityId, choix: [choice] });
  await release();
  assert.equal(waitedTooLong.statusCode, 503);
  assert.equal(waitedTooLong.headers['retry-after'], '1');
  assert.match(waitedTooLong.body, /data-auto-retry="2"/);
  assert.match(waitedTooLong.body, /Se déconnecter/, 'its session was read: the page is the logged-in one');
  assert.deepEqual(
    [...waitedTooLong.body.matchAll(/name="choix" value="([^"]+)"/g)].map((match) => match[1]),
    [choice],
  );
  const again = await browser.follow(
    await browser.post('/ville/reservations', { activite: activityId, choix: [choice], ticket: ticketOf(waitedTooLong.body) }),
  );
  assert.equal(again.statusCode, 200);
  assert.match(again.body, /Réservée/);
});

/** The ticket a 503 page sends back with the choices. */
function ticketOf(body: string): string {
  return /name="ticket" value="([^"]+)"/.exec(body)![1]!;
}

it('serves who clicked first: a family turned away keeps its place, and one that clicked after it waits behind it even when back sooner (issue #18)', async () => {
  const [holder, first, second] = families;
  // An outing with one place: whoever is served first has it, the other waits on the list.
  const outing = await portal.inTenant(tenant, async (base) => {
    const scope = { ...base, actor: SYSTEM };
    const id = await addUnit(scope, { activity_id: activityId, name: 'Sortie', code: 'S' });
    await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [id], places: 1 });
    return id;
  });
  const [firstBrowser, secondBrowser] = await Promise.all([atBookingPage(first!), atBookingPage(second!)]);
  const release = await occupyBookingLine(portal, tenant, {
    actor: familyActor(holder!),
    householdId: holder!.householdId,
    activityId,
    choices: [{ childId: holder!.childIds[0]!, unitId, day: '2027-07-23' }],
  });
  const choiceOf = (family: TestFamily) => `${family.childIds[0]}|${outing}|2027-07-23`;
  const firstTurnedAway = await firstBrowser.post('/ville/reservations', { activite: activityId, choix: [choiceOf(first!)] });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const secondTurnedAway = await secondBrowser.post('/ville/reservations', { activite: activityId, choix: [choiceOf(second!)] });
  await release();
  assert.equal(firstTurnedAway.statusCode, 503);
  assert.equal(secondTurnedAway.statusCode, 503);
  assert.ok(firstTurnedAway.body.includes('vous êtes n° 1 dans la file'));
  assert.ok(secondTurnedAway.body.includes('vous êtes n° 2 dans la file'));

  // The line is free again, but the family who clicked second comes back first: the place is kept
  // for the earlier click, and it is told it still waits behind it.
  const secondTooSoon = await secondBrowser.post('/ville/reservations', {
    activite: activityId,
    choix: [choiceOf(second!)],
    ticket: ticketOf(secondTurnedAway.body),
  });
  assert.equal(secondTooSoon.statusCode, 503);
  assert.ok(secondTooSoon.body.includes('vous êtes n° 2 dans la file'), 'still second');
  // A ticket is its holder's: the first family's, sent by the second, keeps no place.
  const borrowed = await secondBrowser.post('/ville/reservations', {
    activite: activityId,
    choix: [choiceOf(second!)],
    ticket: ticketOf(firstTurnedAway.body),
  });
  assert.equal(borrowed.statusCode, 503);
  // A ticket is for its booking's choices: sent with other choices, it keeps no place either.
  const otherChoices = await firstBrowser.post('/ville/reservations', {
    activite: activityId,
    choix: [`${first!.childIds[0]}|${outing}|2027-07-26`],
    ticket: ticketOf(firstTurnedAway.body),
  });
  assert.equal(otherChoices.statusCode, 503);
  assert.ok(otherChoices.body.includes('vous êtes n° 4 dans la file'), 'a new click, behind every place kept, its own first click’s included');

  const firstServed = await firstBrowser.follow(
    await firstBrowser.post('/ville/reservations', { activite: activityId, choix: [choiceOf(first!)], ticket: ticketOf(firstTurnedAway.body) }),
  );
  const secondServed = await secondBrowser.follow(
    await secondBrowser.post('/ville/reservations', { activite: activityId, choix: [choiceOf(second!)], ticket: ticketOf(secondTurnedAway.body) }),
  );
  assert.match(firstServed.body, /Réservée/, 'the first click has the place');
  assert.match(secondServed.body, /liste d’attente/i, 'the second click waits on the list');
  const outingBookings = await portal.inTenant(tenant, ({ tx }) =>
    tx.selectFrom('bookings').select(['household_id', 'status']).where('unit_id', '=', outing).orderBy('status').execute(),
  );
  assert.deepEqual(outingBookings, [
    { household_id: first!.householdId, status: 'reserved' },
    { household_id: second!.householdId, status: 'waitlisted' },
  ]);
});

it('turns each away in the language of its own page, though the page around the choices is rendered once', async () => {
  const [holder, french, english] = families;
  const [inFrench, inEnglish] = await Promise.all([atBookingPage(french!), atBookingPage(english!)]);
  await inEnglish.get('/ville/reservations?lang=en');
  const release = await occupyBookingLine(portal, tenant, {
    actor: familyActor(holder!),
    householdId: holder!.householdId,
    activityId,
    choices: [{ childId: holder!.childIds[0]!, unitId, day: '2027-07-22' }],
  });
  const answers = [];
  // Twice each, one after the other: the second of each language is filled in from the page kept.
  for (const browser of [inFrench, inEnglish, inFrench, inEnglish]) {
    answers.push(await browser.post('/ville/reservations', { activite: activityId, choix: [`${holder!.childIds[0]}|${unitId}|2027-07-22`] }));
  }
  await release();
  for (const [index, answer] of answers.entries()) {
    assert.equal(answer.statusCode, 503);
    if (index % 2 === 0) {
      assert.match(answer.body, /<html lang="fr"/);
      assert.match(answer.body, /Renvoyer ma demande maintenant/);
    } else {
      assert.match(answer.body, /<html lang="en"/);
      assert.match(answer.body, /Send my request again now/);
      assert.doesNotMatch(answer.body, /Renvoyer ma demande/);
    }
  }
});
