import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ApiScenario, apiLogin, callApi, startApiScenario } from './support/api-scenario.js';
import { occupyBookingLine } from './support/booking-line.js';
import { familyActor } from './support/scenario.js';
import { startTestPortal } from './support/test-portal.js';

/**
 * /metrics (issue #17, item 2): refused without the token or with another one, absent without the
 * setting; its figures move with the requests answered and with a booking let in or turned away.
 */
const TOKEN = randomBytes(32).toString('hex');

/** The samples of a scrape, by name and labels as written ('portail_booking_waiting', 'x{a="b"}'). */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match && !line.startsWith('#')) found.set(match[1]!, Number(match[2]));
  }
  return found;
}

describe('/metrics', () => {
  let scenario: ApiScenario;
  before(async () => {
    scenario = await startApiScenario({ METRICS_TOKEN: TOKEN });
  });
  after(() => scenario?.portal.close());

  const scrape = async () => {
    const response = await scenario.portal.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    return samples(response.body);
  };

  it('answers 401 without the token or with another one, and says nothing else', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, { authorization: `Bearer ${TOKEN}${TOKEN}` }, { authorization: TOKEN }]) {
      const response = await scenario.portal.app.inject({ url: '/metrics', headers });
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="metrics"');
      assert.doesNotMatch(response.body, /portail_/);
    }
  });

  it('counts requests by route and status, with their latency', async () => {
    const first = await scrape();
    const key = 'portail_http_requests_total{route="/health",method="GET",status="200"}';
    for (let index = 0; index < 3; index++) await scenario.portal.app.inject({ url: '/health' });
    await scenario.portal.app.inject({ url: '/ville/no-such-page' });
    const then = await scrape();
    assert.equal((then.get(key) ?? 0) - (first.get(key) ?? 0), 3);
    assert.ok(
      (then.get('portail_http_requests_total{route="unmatched",method="GET",status="404"}') ?? 0) >= 1,
      'an unknown address is one series, not one per address',
    );
    const count = 'portail_http_request_duration_seconds_count{route="/health",method="GET"}';
    assert.equal((then.get(count) ?? 0) - (first.get(count) ?? 0), 3);
    assert.equal(then.get('portail_http_request_duration_seconds_bucket{route="/health",method="GET",le="+Inf"}'), then.get(count));
    assert.ok((then.get('process_resident_memory_bytes') ?? 0) > 0);
  });

  it('follows the booking line: a booking let in, one turned away while the line is full', async () => {
    const { portal, tenant, family, neighbour, wednesdays } = scenario;
    const token = await apiLogin(portal, family);
    const before = await scrape();
    const book = (childId: string, day: string) =>
      callApi(portal, {
        method: 'POST',
        url: '/ville/api/v1/bookings',
        token,
        body: { activityId: wednesdays.id, choices: [{ childId, unitId: wednesdays.day, day }] },
      });
    assert.equal((await book(family.childIds[0]!, '2026-12-02')).statusCode, 200);
    const booked = await scrape();
    assert.equal(booked.get('portail_booking_admitted_total')! - before.get('portail_booking_admitted_total')!, 1);
    assert.equal(booked.get('portail_booking_turns_total')! - before.get('portail_booking_turns_total')!, 1);
    assert.equal(booked.get('portail_http_requests_total{route="/api/v1/bookings",method="POST",status="200"}'), 1);
    assert.equal(booked.get('portail_booking_in_progress'), 0);

    // The line of one place, held by the neighbour's submission: the next booking is turned away.
    const release = await occupyBookingLine(portal, tenant, {
      actor: familyActor(neighbour),
      householdId: neighbour.householdId,
      activityId: wednesdays.id,
      choices: [{ childId: neighbour.childIds[0]!, unitId: wednesdays.day, day: '2026-12-09' }],
    });
    assert.equal((await book(family.childIds[1]!, '2026-12-09')).statusCode, 503);
    const full = await scrape();
    assert.equal(full.get('portail_booking_turned_away_total{reason="line_full"}'), 1);
    assert.equal(full.get('portail_booking_in_progress'), 1, 'the neighbour’s submission holds the line');
    await release();
    assert.equal((await scrape()).get('portail_booking_in_progress'), 0);
  });

  it('tells the outbox’s emails still to send, and how long the oldest has waited', async () => {
    const before = await scrape();
    await scenario.portal.db.query(
      `insert into outbox_emails (tenant_id, to_address, subject, text_body, created_at, next_attempt_at)
       values ($1, 'lina@example.test', 'Rappel', 'Bonjour', now() - interval '5 minutes', now() + interval '1 hour')`,
      [scenario.tenant.id],
    );
    const after = await scrape();
    assert.equal(after.get('portail_outbox_pending')! - before.get('portail_outbox_pending')!, 1);
    assert.ok(after.get('portail_outbox_oldest_pending_seconds')! >= 300);
    assert.equal(after.get('portail_outbox_failed'), 0);
  });

  it('shows the database pools on PostgreSQL', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, async () => {
    const figures = await scrape();
    assert.ok((figures.get('portail_db_pool_connections{pool="main"}') ?? 0) >= 1);
    assert.equal(figures.get('portail_db_pool_connections{pool="priority"}'), 2, 'the priority lane keeps its connections open');
    assert.equal(figures.get('portail_db_pool_waiting{pool="main"}'), 0);
  });
});

it('counts the job queue’s jobs by queue and state', async () => {
  const portal = await startTestPortal({ jobs: true, env: { METRICS_TOKEN: TOKEN } });
  try {
    const jobs = portal.services.jobs!;
    await jobs.createQueue('metrics-probe', { name: 'metrics-probe', policy: 'standard' });
    await jobs.send('metrics-probe', {});
    await jobs.send('metrics-probe', {});
    const response = await portal.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(samples(response.body).get('portail_jobs{queue="metrics-probe",state="created"}'), 2);
  } finally {
    await portal.close();
  }
});

it('has no /metrics without METRICS_TOKEN', async () => {
  const portal = await startTestPortal();
  try {
    const response = await portal.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.statusCode, 404);
  } finally {
    await portal.close();
  }
});
