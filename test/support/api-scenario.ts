import type { LightMyRequestResponse } from 'fastify';
import { addBookingPeriod, addCapacityPool, addUnit, createActivity, setUnitRelations } from '../../src/modules/activities/activity-setup.js';
import { requestEnrollment } from '../../src/modules/bookings/enrollments.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { createFamily, type TestFamily } from './scenario.js';
import { startTestPortal, type TestPortal } from './test-portal.js';

/**
 * The families' API over one authority (Monday 23 November 2026, Paris): two households enrolled in
 * "Mercredis loisirs" (Wednesdays, one place a day shared by Journée and Matin, booking until J-7,
 * cancelling until J-2 at noon), and "Été 2027", booked by a period that opens in May 2027.
 */
export interface ApiScenario {
  portal: TestPortal;
  tenant: Tenant;
  family: TestFamily;
  neighbour: TestFamily;
  wednesdays: { id: string; day: string; morning: string; meal: string };
  summer: { id: string; unit: string; periodId: string };
}

export const NOW = '2026-11-23T08:00:00Z';

export async function startApiScenario(env: Record<string, string> = {}): Promise<ApiScenario> {
  const portal = await startTestPortal({ now: NOW, env });
  const tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
  const family = await createFamily(portal, tenant, { email: 'lina@example.test', firstName: 'Lina', lastName: 'ROUX', children: ['Théo', 'Inès'] });
  const neighbour = await createFamily(portal, tenant, { email: 'voisin@example.test', lastName: 'VOISIN', children: ['Paul'] });
  const { wednesdays, summer } = await portal.inTenant(tenant, async (scope) => {
    const id = await createActivity(scope, {
      name: 'Mercredis loisirs',
      kind: 'alsh_wednesday',
      site_id: null,
      starts_on: '2026-09-01',
      ends_on: '2027-07-03',
      weekdays: [3],
      opening: 'school_days',
      booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
      cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
    });
    const day = await addUnit(scope, { activity_id: id, name: 'Journée', code: 'J', position: 0 });
    const morning = await addUnit(scope, { activity_id: id, name: 'Matin', code: 'M', position: 1 });
    const meal = await addUnit(scope, { activity_id: id, name: 'Repas', code: 'R', position: 2 });
    await setUnitRelations(scope, day, { excludes: [morning], requiresAny: [] });
    await addCapacityPool(scope, { activity_id: id, group_id: null, unit_ids: [day, morning], places: 1 });
    for (const household of [family, neighbour]) {
      for (const childId of household.childIds) await requestEnrollment(scope, { householdId: household.householdId, childId, activityId: id });
    }
    const summerId = await createActivity(scope, {
      name: 'Été 2027',
      kind: 'alsh_holidays',
      site_id: null,
      starts_on: '2027-07-05',
      ends_on: '2027-08-27',
      weekdays: [1, 2, 3, 4, 5],
      opening: 'all',
      requires_enrollment: false,
    });
    const summerUnit = await addUnit(scope, { activity_id: summerId, name: 'Journée', code: 'J' });
    const periodId = await addBookingPeriod(scope, {
      activity_id: summerId,
      name: 'Été 2027',
      first_day: '2027-07-05',
      last_day: '2027-08-27',
      opens_at: new Date('2027-05-03T06:00:00Z'),
      closes_at: new Date('2027-06-01T06:00:00Z'),
    });
    return { wednesdays: { id, day, morning, meal }, summer: { id: summerId, unit: summerUnit, periodId } };
  });
  return { portal, tenant, family, neighbour, wednesdays, summer };
}

export interface ApiCall {
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** One call of the API as a phone app makes it: JSON, a bearer token, no cookie. */
export function callApi(portal: TestPortal, call: ApiCall): Promise<LightMyRequestResponse> {
  return portal.app.inject({
    method: call.method ?? 'GET',
    url: call.url,
    headers: { ...(call.token ? { authorization: `Bearer ${call.token}` } : {}), ...call.headers },
    ...(call.body === undefined ? {} : { payload: call.body as Record<string, unknown> }),
    ...(call.remoteAddress ? { remoteAddress: call.remoteAddress } : {}),
  });
}

export async function apiLogin(portal: TestPortal, family: TestFamily): Promise<string> {
  const response = await callApi(portal, { method: 'POST', url: '/ville/api/v1/session', body: { email: family.email, password: family.password } });
  if (response.statusCode !== 201) throw new Error(`API login failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { token: string }).token;
}

/**
 * A place offered to the family from the waiting list: Mercredis loisirs offers its freed places,
 * the neighbour takes the only place of `day`, the family's first child waits, the neighbour
 * cancels. Returns the family's offered booking (offered for 24 hours).
 */
export async function offeredPlace(scenario: ApiScenario, day: string): Promise<string> {
  const { portal, tenant, family, neighbour, wednesdays } = scenario;
  await portal.inTenant(tenant, ({ tx }) =>
    tx.updateTable('activities').set({ waitlist_mode: 'offer', offer_hours: 24 }).where('id', '=', wednesdays.id).execute(),
  );
  const book = async (household: TestFamily, token: string) => {
    const response = await callApi(portal, {
      method: 'POST',
      url: '/ville/api/v1/bookings',
      token,
      body: { activityId: wednesdays.id, choices: [{ childId: household.childIds[0]!, unitId: wednesdays.day, day }] },
    });
    return (response.json() as { results: { outcome: string; bookingId: string }[] }).results[0]!;
  };
  const neighbourToken = await apiLogin(portal, neighbour);
  const taken = await book(neighbour, neighbourToken);
  const waiting = await book(family, await apiLogin(portal, family));
  if (taken.outcome !== 'reserved' || waiting.outcome !== 'waitlisted')
    throw new Error(`expected a full day and a waiting child, got ${taken.outcome} and ${waiting.outcome}`);
  await callApi(portal, { method: 'DELETE', url: `/ville/api/v1/bookings/${taken.bookingId}`, token: neighbourToken });
  return waiting.bookingId;
}

/** A period of Été 2027 allocated by lottery, from `firstDay` to `lastDay`, open for applications now (until 1 February 2027). */
export async function lotteryPeriod(scenario: ApiScenario, firstDay: string, lastDay: string): Promise<string> {
  return scenario.portal.inTenant(scenario.tenant, (scope) =>
    addBookingPeriod(scope, {
      activity_id: scenario.summer.id,
      name: `Tirage ${firstDay}`,
      first_day: firstDay,
      last_day: lastDay,
      opens_at: new Date('2026-11-01T08:00:00Z'),
      closes_at: new Date('2027-02-01T08:00:00Z'),
      allocation: 'lottery',
    }),
  );
}
