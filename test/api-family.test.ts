import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeOtherSessions } from '../src/modules/identity/sessions.js';
import { bookingChoices } from '../src/web/line-tickets.js';
import { apiLogin, callApi, lotteryPeriod, NOW, offeredPlace, startApiScenario, type ApiScenario } from './support/api-scenario.js';
import { occupyBookingLine } from './support/booking-line.js';
import { TestBrowser } from './support/http-client.js';
import { createStaff, familyActor, PASSWORD } from './support/scenario.js';

interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; code: string; message: string }[] };
}
interface Result {
  childId: string;
  unitId: string;
  day: string;
  outcome: string;
  bookingId?: string;
  rank?: number;
  status?: string;
  reason?: string;
  reasonText?: string;
}

describe('the families’ API follows the pages’ rules, keeps households apart and speaks their language', () => {
  let scenario: ApiScenario;
  let token: string;
  let neighbourToken: string;

  before(async () => {
    scenario = await startApiScenario();
    token = await apiLogin(scenario.portal, scenario.family);
    neighbourToken = await apiLogin(scenario.portal, scenario.neighbour);
  });
  after(() => scenario.portal.close());

  const book = async (choices: { childId: string; unitId: string; day: string }[], as = token, activityId = scenario.wednesdays.id, lang = 'en') => {
    const response = await callApi(scenario.portal, { method: 'POST', url: `/ville/api/v1/bookings?lang=${lang}`, token: as, body: { activityId, choices } });
    return { response, results: response.statusCode === 200 ? (response.json() as { results: Result[] }).results : [] };
  };
  const bookingRows = (childId: string) =>
    scenario.portal.inTenant(scenario.tenant, ({ tx }) => tx.selectFrom('bookings').select(['id', 'status']).where('child_id', '=', childId).execute());

  it('books, answers "already" to the same choice booked twice, and gives the next child a waiting-list rank', async () => {
    const { family, wednesdays } = scenario;
    const first = await book([{ childId: family.childIds[0]!, unitId: wednesdays.day, day: '2026-12-02' }]);
    assert.equal(first.response.statusCode, 200);
    assert.equal(first.results[0]!.outcome, 'reserved');
    const again = await book([{ childId: family.childIds[0]!, unitId: wednesdays.day, day: '2026-12-02' }]);
    assert.deepEqual(again.results[0], {
      childId: family.childIds[0]!,
      unitId: wednesdays.day,
      day: '2026-12-02',
      outcome: 'already',
      bookingId: first.results[0]!.bookingId,
      status: 'reserved',
    });
    assert.equal((await bookingRows(family.childIds[0]!)).length, 1, 'nothing is booked twice');
    const sister = await book([{ childId: family.childIds[1]!, unitId: wednesdays.day, day: '2026-12-02' }]);
    assert.equal(sister.results[0]!.outcome, 'waitlisted');
    assert.equal(sister.results[0]!.rank, 1);
  });

  it('refuses a choice in a period that is not open yet, with its code and text, and books nothing', async () => {
    const { family, summer } = scenario;
    const { response, results } = await book([{ childId: family.childIds[0]!, unitId: summer.unit, day: '2027-07-06' }], token, summer.id);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(results[0], {
      childId: family.childIds[0]!,
      unitId: summer.unit,
      day: '2027-07-06',
      outcome: 'refused',
      reason: 'period_not_open',
      reasonText: 'bookings are not open yet',
    });
    const french = await book([{ childId: family.childIds[0]!, unitId: summer.unit, day: '2027-07-06' }], token, summer.id, 'fr');
    assert.equal(french.results[0]!.reasonText, 'les réservations ne sont pas encore ouvertes');
    const rows = await scenario.portal.inTenant(scenario.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('unit_id', '=', summer.unit).execute(),
    );
    assert.equal(rows.length, 0);
    const activities = await callApi(scenario.portal, { url: '/ville/api/v1/activities', token });
    const period = (activities.json() as { activities: { id: string; periods: { id: string; state: string; opensAt: string }[] }[] }).activities.find(
      (activity) => activity.id === summer.id,
    )!.periods[0]!;
    assert.deepEqual(
      { id: period.id, state: period.state, opensAt: period.opensAt },
      { id: summer.periodId, state: 'upcoming', opensAt: '2027-05-03T06:00:00.000Z' },
    );
  });

  it('shows on the calendar what is booked, full, closed and open, with places left', async () => {
    const { family, wednesdays } = scenario;
    const response = await callApi(scenario.portal, {
      url: `/ville/api/v1/activities/${wednesdays.id}/calendar?children=${family.childIds[1]}&from=2026-11-23&to=2026-12-09&lang=en`,
      token,
    });
    assert.equal(response.statusCode, 200);
    const calendar = response.json() as { children: { childId: string; days: { day: string; units: Record<string, unknown>[] }[] }[] };
    assert.deepEqual(
      calendar.children.map((child) => child.childId),
      [family.childIds[1]],
    );
    assert.deepEqual(
      calendar.children[0]!.days.map((day) => day.day),
      ['2026-11-25', '2026-12-02', '2026-12-09'],
      'only Wednesdays',
    );
    const cell = (day: string, unitId: string) => calendar.children[0]!.days.find((entry) => entry.day === day)!.units.find((unit) => unit.unitId === unitId)!;
    assert.deepEqual(cell('2026-11-25', wednesdays.day), {
      unitId: wednesdays.day,
      state: 'closed',
      reason: 'deadline_passed',
      reasonText: 'booking deadline passed',
    });
    assert.deepEqual(
      { ...cell('2026-12-02', wednesdays.day), bookingId: undefined },
      { unitId: wednesdays.day, state: 'booked', bookingId: undefined, status: 'waitlisted', statusText: 'Waiting list', rank: 1 },
    );
    assert.deepEqual(cell('2026-12-02', wednesdays.morning), {
      unitId: wednesdays.morning,
      state: 'open',
      deadline: '2026-11-24T23:00:00.000Z',
      placesLeft: 0,
      full: true,
    });
    assert.deepEqual(cell('2026-12-09', wednesdays.day), {
      unitId: wednesdays.day,
      state: 'open',
      deadline: '2026-12-01T23:00:00.000Z',
      placesLeft: 1,
      full: false,
    });
    assert.equal(cell('2026-12-09', wednesdays.meal).placesLeft, null, 'a unit without places is not limited');

    // The first child holds the Journée of 2 December: the Matin is closed, naming what bars it.
    const first = await callApi(scenario.portal, {
      url: `/ville/api/v1/activities/${wednesdays.id}/calendar?children=${family.childIds[0]}&from=2026-12-02&to=2026-12-02&lang=en`,
      token,
    });
    const morning = (first.json() as typeof calendar).children[0]!.days[0]!.units.find((unit) => unit.unitId === wednesdays.morning);
    assert.deepEqual(morning, {
      unitId: wednesdays.morning,
      state: 'closed',
      reason: 'conflicts_with_booked',
      reasonText: 'does not go with Journée, already booked that day',
      conflictsWith: [wednesdays.day],
    });
  });

  it('answers 404 to another household’s ids, and to unknown ones, and books nothing for them', async () => {
    const { family, neighbour, wednesdays } = scenario;
    const calendar = await callApi(scenario.portal, {
      url: `/ville/api/v1/activities/${wednesdays.id}/calendar?children=${family.childIds[0]}&children=${neighbour.childIds[0]}&from=2026-12-01&to=2026-12-31`,
      token,
    });
    assert.equal(calendar.statusCode, 404);
    assert.equal((calendar.json() as ErrorBody).error.code, 'not_found');
    const forged = await book([{ childId: neighbour.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-16' }]);
    assert.equal(forged.response.statusCode, 404);
    assert.equal((await bookingRows(neighbour.childIds[0]!)).length, 0);
    // With a child of its own in the same request: still 404, and nothing at all is booked.
    const mixed = await book([
      { childId: family.childIds[1]!, unitId: wednesdays.meal, day: '2026-12-23' },
      { childId: neighbour.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-23' },
    ]);
    assert.equal(mixed.response.statusCode, 404);
    const ownOnThatDay = await scenario.portal.inTenant(scenario.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('child_id', '=', family.childIds[1]!).where('day', '=', '2026-12-23').execute(),
    );
    assert.deepEqual(ownOnThatDay, [], 'not even its own child’s choice');

    const theirs = await book([{ childId: neighbour.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-16' }], neighbourToken);
    const theirBooking = theirs.results[0]!.bookingId!;
    const cancel = await callApi(scenario.portal, { method: 'DELETE', url: `/ville/api/v1/bookings/${theirBooking}`, token });
    assert.equal(cancel.statusCode, 404);
    assert.equal((await bookingRows(neighbour.childIds[0]!))[0]!.status, 'reserved', 'their booking stands');
    const list = await callApi(scenario.portal, { url: '/ville/api/v1/bookings?from=2026-12-01&to=2026-12-31', token });
    assert.ok(!(list.json() as { bookings: { id: string }[] }).bookings.some((booking) => booking.id === theirBooking));

    const unknownActivity = await callApi(scenario.portal, {
      url: `/ville/api/v1/activities/${crypto.randomUUID()}/calendar?from=2026-12-01&to=2026-12-31`,
      token,
    });
    assert.equal(unknownActivity.statusCode, 404);
    const unknownBooking = await book([{ childId: family.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-16' }], token, crypto.randomUUID());
    assert.equal(unknownBooking.response.statusCode, 404);
  });

  it('cancels before the deadline, and refuses after it with the pages’ reason', async () => {
    const { family, wednesdays, portal } = scenario;
    const booked = await book([
      { childId: family.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-23' },
      { childId: family.childIds[1]!, unitId: wednesdays.meal, day: '2026-12-23' },
    ]);
    const [first, second] = booked.results.map((result) => result.bookingId!);
    const cancelled = await callApi(portal, { method: 'DELETE', url: `/ville/api/v1/bookings/${first}?lang=en`, token });
    assert.equal(cancelled.statusCode, 200);
    assert.deepEqual(cancelled.json(), { outcome: 'cancelled', message: 'The booking is cancelled.' });
    portal.clock.set('2026-12-21T11:30:00Z');
    try {
      // Four weeks later the morning's token has been idle too long: the app logs in again.
      assert.equal((await callApi(portal, { url: '/ville/api/v1/me', token })).statusCode, 401);
      const lateToken = await apiLogin(portal, family);
      const late = await callApi(portal, { method: 'DELETE', url: `/ville/api/v1/bookings/${second}?lang=en`, token: lateToken });
      assert.equal(late.statusCode, 409);
      assert.deepEqual(late.json(), {
        error: { code: 'deadline_passed', message: 'Cannot cancel: the cancellation deadline has passed: the day stays booked and will be billed.' },
      });
    } finally {
      portal.clock.set('2026-11-23T08:00:00Z');
      token = await apiLogin(portal, family);
    }
  });

  it('confirms a place offered from the waiting list until its time, then refuses with the pages’ reason; never another household’s', async () => {
    const confirm = (bookingId: string, as = token, lang = 'fr') =>
      callApi(scenario.portal, { method: 'POST', url: `/ville/api/v1/bookings/${bookingId}/confirmation?lang=${lang}`, token: as });
    const offered = await offeredPlace(scenario, '2027-02-03');
    const listed = await callApi(scenario.portal, { url: '/ville/api/v1/bookings?from=2027-02-01&to=2027-02-28', token });
    const entry = (listed.json() as { bookings: { id: string; status: string; offerExpiresAt: string | null }[] }).bookings.find(
      (booking) => booking.id === offered,
    )!;
    assert.equal(entry.status, 'offered');
    assert.equal(entry.offerExpiresAt, '2026-11-24T08:00:00.000Z', 'offered for 24 hours');
    assert.equal((await confirm(offered, neighbourToken)).statusCode, 404, 'another household cannot take it');

    const taken = await confirm(offered, token, 'en');
    assert.equal(taken.statusCode, 200);
    assert.deepEqual(taken.json(), { outcome: 'confirmed', status: 'reserved', statusText: 'Booked' });
    assert.deepEqual((await bookingRows(scenario.family.childIds[0]!)).find((row) => row.id === offered)?.status, 'reserved');
    assert.equal((await confirm(offered)).statusCode, 404, 'a place is confirmed once');

    const late = await offeredPlace(scenario, '2027-02-10');
    scenario.portal.clock.set('2026-11-24T08:00:01Z');
    try {
      const refused = await confirm(late);
      assert.equal(refused.statusCode, 409);
      assert.deepEqual(refused.json(), { error: { code: 'offer_expired', message: 'place proposée non confirmée à temps' } });
      assert.equal((await bookingRows(scenario.family.childIds[0]!)).find((row) => row.id === late)?.status, 'offered', 'left for the expiry job to pass on');
    } finally {
      scenario.portal.clock.set(NOW);
    }
  });

  it('applies for a lottery period with the pages’ rules, records nothing twice, and nothing at all for another household’s child', async () => {
    const { family, neighbour, summer } = scenario;
    const periodId = await lotteryPeriod(scenario, '2027-08-16', '2027-08-20');
    const apply = (choices: { childId: string; unitId: string; day: string }[], period = periodId, lang = 'fr') =>
      callApi(scenario.portal, {
        method: 'POST',
        url: `/ville/api/v1/activities/${summer.id}/periods/${period}/applications?lang=${lang}`,
        token,
        body: { choices },
      });
    const choice = (child: number, day: string) => ({ childId: family.childIds[child]!, unitId: summer.unit, day });
    const applications = () =>
      scenario.portal.inTenant(scenario.tenant, ({ tx }) =>
        tx.selectFrom('lottery_applications').select(['child_id', 'day']).where('period_id', '=', periodId).orderBy('day').orderBy('child_id').execute(),
      );

    const first = await apply([choice(0, '2027-08-16'), choice(1, '2027-08-16'), choice(0, '2027-08-23')], periodId, 'en');
    assert.equal(first.statusCode, 200);
    assert.deepEqual(
      (first.json() as { results: Result[] }).results.map((result) => [result.day, result.outcome, result.reason ?? null, result.reasonText ?? null]),
      [
        ['2027-08-16', 'applied', null, null],
        ['2027-08-16', 'applied', null, null],
        ['2027-08-23', 'refused', 'no_open_period', 'no booking period covers this day'],
      ],
    );
    const again = await apply([choice(0, '2027-08-16')]);
    assert.deepEqual(
      (again.json() as { results: Result[] }).results.map((result) => result.outcome),
      ['already'],
    );
    assert.equal((await applications()).length, 2, 'each child’s day recorded once');

    const mixed = await apply([choice(0, '2027-08-17'), { childId: neighbour.childIds[0]!, unitId: summer.unit, day: '2027-08-17' }]);
    assert.equal(mixed.statusCode, 404);
    assert.equal((await applications()).length, 2, 'nothing recorded, not even its own child’s day');

    const firstCome = await apply([choice(0, '2027-07-05')], summer.periodId);
    assert.equal(firstCome.statusCode, 409);
    assert.deepEqual(firstCome.json(), {
      error: { code: 'not_lottery', message: 'Cette période n’est pas attribuée par tirage au sort : réservez ses jours avec POST /api/v1/bookings.' },
    });
    assert.equal((await apply([choice(0, '2027-08-16')], crypto.randomUUID())).statusCode, 404);
  });

  it('answers errors in English with ?lang=en or Accept-Language, in French otherwise, with field-level messages', async () => {
    const invalid = { activityId: 'nope', choices: [{ childId: scenario.family.childIds[0]!, unitId: scenario.wednesdays.day, day: '2026-02-30' }] };
    const english = await callApi(scenario.portal, { method: 'POST', url: '/ville/api/v1/bookings?lang=en', token, body: invalid });
    assert.equal(english.statusCode, 400);
    assert.deepEqual(english.json(), {
      error: {
        code: 'invalid_request',
        message: 'The request has errors: correct the fields listed.',
        fields: [
          { field: 'activityId', code: 'identifier', message: 'This identifier is not valid.' },
          { field: 'choices[0].day', code: 'date', message: 'Enter a date in the YYYY-MM-DD format, for example 2026-12-02.' },
        ],
      },
    });
    const byHeader = await callApi(scenario.portal, {
      method: 'POST',
      url: '/ville/api/v1/bookings',
      token,
      body: { choices: [] },
      headers: { 'accept-language': 'en-GB,en;q=0.8,fr;q=0.5' },
    });
    assert.deepEqual((byHeader.json() as ErrorBody).error.fields, [
      { field: 'activityId', code: 'required', message: 'This field is required.' },
      { field: 'choices', code: 'count', message: 'The number of items is outside the allowed limits.' },
    ]);
    const french = await callApi(scenario.portal, { url: '/ville/api/v1/me' });
    assert.equal((french.json() as ErrorBody).error.message.startsWith('Connectez-vous d’abord'), true);
    const englishAuth = await callApi(scenario.portal, { url: '/ville/api/v1/me?lang=en' });
    assert.equal((englishAuth.json() as ErrorBody).error.message.startsWith('Log in first'), true);
    const range = await callApi(scenario.portal, {
      url: `/ville/api/v1/activities/${scenario.wednesdays.id}/calendar?from=2026-12-31&to=2026-12-01&lang=en`,
      token,
    });
    assert.equal(range.statusCode, 400);
    assert.deepEqual((range.json() as ErrorBody).error.fields, [
      { field: 'to', code: 'range', message: 'The period must end after it starts and last at most 93 days.' },
    ]);
    const unknownRoute = await callApi(scenario.portal, { method: 'POST', url: '/ville/api/v1/nowhere?lang=en', token, body: {} });
    assert.equal(unknownRoute.statusCode, 404);
    assert.deepEqual(unknownRoute.json(), { error: { code: 'not_found', message: 'Not found: this item does not exist or is not yours.' } });
  });

  it('logs in with the login page’s throttling: a proof of work after three failures, its challenge in the answer; an address refused with Retry-After', async () => {
    const { portal, tenant } = scenario;
    const login = (password: string) =>
      callApi(portal, { method: 'POST', url: '/ville/api/v1/session?lang=en', body: { email: 'voisin@example.test', password } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const failed = await login('Wrong-Password-1');
      assert.equal(failed.statusCode, 401);
      assert.equal((failed.json() as ErrorBody).error.code, 'invalid_credentials');
      assert.equal((failed.json() as ErrorBody).error.message, 'Wrong email address or password.');
    }
    const robot = await login(PASSWORD);
    assert.equal(robot.statusCode, 403, 'even the right password needs the proof of work');
    assert.equal((robot.json() as ErrorBody).error.code, 'altcha_required');
    assert.equal((robot.json() as { error: { challenge: { parameters: { algorithm: string } } } }).error.challenge.parameters.algorithm, 'SHA-256');

    await portal.inTenant(tenant, ({ tx }) =>
      tx.updateTable('login_failures').set({ failures: 5 }).where('key', '=', 'account:voisin%40example.test address:127.0.0.1').execute(),
    );
    const locked = await login(PASSWORD);
    assert.equal(locked.statusCode, 429);
    assert.equal((locked.json() as ErrorBody).error.code, 'login_locked');
    assert.equal(locked.headers['retry-after'], '60');
    await portal.inTenant(tenant, ({ tx }) => tx.deleteFrom('login_failures').execute());
  });

  it('hands tokens to family accounts only, ends them at logout and at a password change', async () => {
    const { portal, tenant, family } = scenario;
    const staff = await createStaff(portal, tenant, { email: 'agent@example.test' });
    const refused = await callApi(portal, { method: 'POST', url: '/ville/api/v1/session', body: { email: staff.email, password: staff.password } });
    assert.equal(refused.statusCode, 403);
    assert.equal((refused.json() as ErrorBody).error.code, 'family_only');
    assert.equal(
      (await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('api_tokens').select('token_hash').where('account_id', '=', staff.accountId).execute())).length,
      0,
    );

    const session = await apiLogin(portal, family);
    const stored = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('api_tokens').select('token_hash').where('account_id', '=', family.accountId).execute(),
    );
    assert.ok(
      stored.every((row) => row.token_hash !== session),
      'only the hash of the token is stored',
    );
    assert.equal((await callApi(portal, { url: '/ville/api/v1/me', token: session })).statusCode, 200);
    assert.equal((await callApi(portal, { method: 'DELETE', url: '/ville/api/v1/session', token: session })).statusCode, 204);
    assert.equal((await callApi(portal, { url: '/ville/api/v1/me', token: session })).statusCode, 401);

    const other = await apiLogin(portal, family);
    await portal.inTenant(tenant, ({ tx }) => closeOtherSessions(tx, family.accountId));
    assert.equal((await callApi(portal, { url: '/ville/api/v1/me', token: other })).statusCode, 401, 'a password change ends the app’s tokens');
    token = await apiLogin(portal, family);
  });

  it('never lets a session cookie stand for a token: a forged cross-site booking books nothing', async () => {
    const { portal, family, wednesdays } = scenario;
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: family.email, password: family.password });
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const forged = await callApi(portal, {
      method: 'POST',
      url: '/ville/api/v1/bookings',
      headers: { cookie, origin: 'https://evil.example' },
      body: { activityId: wednesdays.id, choices: [{ childId: family.childIds[0]!, unitId: wednesdays.meal, day: '2027-01-06' }] },
    });
    assert.equal(forged.statusCode, 401);
    const rows = await portal.inTenant(scenario.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('child_id', '=', family.childIds[0]!).where('day', '=', '2027-01-06').execute(),
    );
    assert.equal(rows.length, 0);
  });

  it('limits calls per network address without a token and per token with one', async () => {
    const address = '203.0.113.7';
    let last = await callApi(scenario.portal, { url: '/ville/api/v1/me', remoteAddress: address });
    for (let call = 1; call < 600; call++) last = await callApi(scenario.portal, { url: '/ville/api/v1/me', remoteAddress: address });
    assert.equal(last.statusCode, 401);
    const limited = await callApi(scenario.portal, { url: '/ville/api/v1/me?lang=en', remoteAddress: address });
    assert.equal(limited.statusCode, 429);
    assert.equal((limited.json() as ErrorBody).error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const withToken = await callApi(scenario.portal, { url: '/ville/api/v1/me', token, remoteAddress: address });
    assert.equal(withToken.statusCode, 200, 'a valid token has its own count');
  });
});

describe('the families’ API under a rush', () => {
  let scenario: ApiScenario;
  before(async () => {
    scenario = await startApiScenario();
  });
  after(() => scenario.portal.close());

  it('answers a booking beyond capacity with 503, its place and a ticket, books nothing, and books when sent again with the ticket', async () => {
    const { portal, family, neighbour, wednesdays } = scenario;
    const token = await apiLogin(portal, family);
    const body = { activityId: wednesdays.id, choices: [{ childId: family.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-09' }] };
    // The neighbour's booking is being answered (held from the test, so that the rush is deterministic).
    const neighbourChoice = { childId: neighbour.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-09' };
    const release = await occupyBookingLine(portal, scenario.tenant, {
      actor: familyActor(neighbour),
      householdId: neighbour.householdId,
      activityId: wednesdays.id,
      choices: [neighbourChoice],
    });
    const shed = await callApi(portal, { method: 'POST', url: '/ville/api/v1/bookings?lang=en', token, body });
    await release();
    assert.equal(shed.statusCode, 503);
    assert.equal(shed.headers['retry-after'], '1');
    const { error } = shed.json() as { error: { code: string; message: string; line: { ticket: string; place: number; retryAfterSeconds: number } } };
    assert.equal(error.code, 'unavailable');
    assert.equal(
      error.message,
      'The service is very busy right now and nothing was booked. Your request keeps its place (number 1 in the queue): send it again with its ticket in 1 s.',
    );
    assert.equal(error.line.place, 1);
    assert.equal(error.line.retryAfterSeconds, 1);
    assert.match(error.line.ticket, /^\d+\.[A-Za-z0-9_-]{43}$/);
    const booked = await portal.inTenant(scenario.tenant, ({ tx }) => tx.selectFrom('bookings').select('household_id').execute());
    assert.deepEqual(
      booked.map((row) => row.household_id),
      [neighbour.householdId],
      'the shed request booked nothing',
    );
    // Another family's ticket, one altered, or one for other choices keeps no place: refused as no ticket at all would be.
    const forged = `${Number(error.line.ticket.split('.')[0]) - 60_000_000}.${error.line.ticket.split('.')[1]}`;
    const tickets = portal.app.lineTickets;
    const choices = bookingChoices(body.activityId, [`${family.childIds[0]}|${wednesdays.meal}|2026-12-09`]);
    const otherChoices = bookingChoices(body.activityId, [`${family.childIds[0]}|${wednesdays.meal}|2026-12-16`]);
    assert.equal(tickets.clickedAt(scenario.tenant.id, family.accountId, choices, error.line.ticket), Number(error.line.ticket.split('.')[0]));
    assert.equal(tickets.clickedAt(scenario.tenant.id, neighbour.accountId, choices, error.line.ticket), null);
    assert.equal(tickets.clickedAt(scenario.tenant.id, family.accountId, choices, forged), null);
    assert.equal(tickets.clickedAt(scenario.tenant.id, family.accountId, otherChoices, error.line.ticket), null);
    const again = await callApi(portal, { method: 'POST', url: '/ville/api/v1/bookings', token, body: { ...body, ticket: error.line.ticket } });
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as { results: Result[] }).results[0]!.outcome, 'reserved');
  });
});
