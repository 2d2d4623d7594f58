import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SharedBookingLine } from '../src/modules/bookings/shared-booking-line.js';
import { BatchGate, clickNow } from '../src/web/load-shedding.js';
import { startApiScenario, type ApiScenario } from './support/api-scenario.js';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';
import type { TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * One booking line per authority for every process on the database (issue #18): behind a reverse
 * proxy, a parent who clicked first keeps the place promised by one process when a later click
 * reaches another, and the line's size is the authority's, not each process's. Each gate stands
 * for a process; the test says when each syncs, as its timer would every tenth of a second.
 */
let portal: TestPortal;
const shares: SharedBookingLine[] = [];

before(async () => {
  portal = await startTestPortal();
});
after(async () => {
  await Promise.all(shares.map((share) => share.close()));
  await portal.close();
});

/** A process's booking line on the portal's database, letting `maxAdmitted` in per authority. */
function processLine(maxAdmitted: number): { gate: BatchGate<string, string>; share: SharedBookingLine } {
  const share = new SharedBookingLine(portal.db, { flushMs: 60_000 });
  shares.push(share);
  return { gate: new BatchGate(async (items) => items, { maxBatch: 10, maxAdmitted, maxWaitMs: 1000 }, share), share };
}

/** Both processes write what they did, then read what the other did. */
async function sync(...shares: SharedBookingLine[]): Promise<void> {
  for (const share of shares) await share.flush();
  for (const share of shares) await share.flush();
}

it('keeps a place promised by one process against a later click in another, and forgets it everywhere once honoured', async () => {
  const line = randomUUID();
  const a = processLine(1);
  const b = processLine(1);
  const firstClick = clickNow();
  assert.equal(a.gate.placeInLine(line, 'first', firstClick).place, 1, 'turned away by A, the first click is promised a place');
  await sync(a.share, b.share);

  assert.equal(b.gate.admit(line, firstClick + 10, 'later'), null, 'B keeps the place for the earlier click');
  assert.equal(b.gate.placeInLine(line, 'later', firstClick + 10).place, 2, 'and tells the later click it comes second');
  await sync(a.share, b.share);
  assert.equal(a.gate.placeInLine(line, 'last', firstClick + 20).place, 3, 'A counts the place B promised');

  const release = b.gate.admit(line, firstClick, 'first');
  assert.ok(release, 'the first click comes back to B with its ticket and is let in');
  release();
  await sync(b.share, a.share);
  assert.equal(a.gate.placeInLine(line, 'last', firstClick + 20).place, 2, 'A no longer keeps the place honoured by B');
  const rows = await portal.db.query<{ key: string }>('select key from booking_line_promises where line = $1 order by key', [line]);
  assert.deepEqual(
    rows.rows.map((row) => row.key),
    ['last', 'later'],
  );
});

it('counts the requests let in by every process against the authority’s line, and frees them when answered', async () => {
  const line = randomUUID();
  const a = processLine(2);
  const b = processLine(2);
  const releaseA = a.gate.admit(line);
  const releaseB = b.gate.admit(line);
  assert.ok(releaseA && releaseB);
  await sync(a.share, b.share);
  assert.equal(a.gate.admit(line), null, 'A is full: B holds the other place');
  assert.equal(b.gate.admit(line), null, 'and so is B');
  assert.ok(a.gate.admit(randomUUID()), 'another authority has its own line');

  releaseB();
  await sync(b.share, a.share);
  const again = a.gate.admit(line);
  assert.ok(again, 'once B answered its request, A lets one more in');
  again();
  releaseA();
});

it('stops counting a process that closed', async () => {
  const line = randomUUID();
  const a = processLine(1);
  const b = processLine(1);
  assert.ok(b.gate.admit(line));
  await sync(b.share, a.share);
  assert.equal(a.gate.admit(line), null);
  await b.share.close();
  await a.share.flush();
  const release = a.gate.admit(line);
  assert.ok(release, 'the place a closed process held is free');
  release();
});

describe('two portal processes behind one proxy', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let scenario: ApiScenario;
  const processes: ChildProcess[] = [];
  const [a, b] = [0, 1];
  const origins: string[] = [];
  before(async () => {
    scenario = await startApiScenario();
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      processes.push(
        await startPortalProcess({ DATABASE_URL: scenario.portal.databaseUrl!, SECRET: scenario.portal.config.secret, PORT: String(port), BOOKING_QUEUE: '1' }),
      );
      origins.push(`http://127.0.0.1:${port}`);
    }
  });
  after(async () => {
    for (const child of processes) child.kill('SIGKILL');
    await scenario?.portal.close();
  });

  interface Answer {
    status: number;
    line?: { ticket: string; place: number };
  }

  /** The family's API token, from `process` (on the real clock, as the processes run). */
  async function login(process: number, family: TestFamily): Promise<string> {
    const response = await fetch(`${origins[process]}/ville/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: family.email, password: family.password }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  /** Books the family's first child for one Wednesday's meal through `process`, with `ticket` if any. */
  async function book(process: number, family: TestFamily, token: string, ticket?: string): Promise<Answer> {
    const choices = [{ childId: family.childIds[0], unitId: scenario.wednesdays.meal, day: '2027-01-13' }];
    const response = await fetch(`${origins[process]}/ville/api/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ activityId: scenario.wednesdays.id, choices, ...(ticket ? { ticket } : {}) }),
    });
    const body = (await response.json()) as { error?: { line?: Answer['line'] } };
    return { status: response.status, line: body.error?.line };
  }

  /** Asks again until `done`: what a process learnt from the other reaches it within a fraction of a second. */
  async function until(ask: () => Promise<Answer>, done: (answer: Answer) => boolean): Promise<Answer> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await ask();
      if (done(answer)) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the processes never agreed');
  }

  it('keep a place promised by one process against a later click on the other, which honours its ticket first', async () => {
    const { portal, tenant, family, neighbour } = scenario;
    // The line's only place is held, as by a third process, until the test frees it.
    await portal.db.query("insert into booking_line_admitted (process_id, line, admitted, seen_at) values ('held-by-test', $1, 1, now() + interval '1 hour')", [
      tenant.id,
    ]);
    const [familyToken, neighbourToken] = [await login(a, family), await login(b, neighbour)];
    // Once each process has read the line (its first request after a quiet time is decided alone), it turns requests away.
    const first = await until(
      () => book(a, family, familyToken),
      (answer) => answer.status === 503,
    );
    const later = await until(
      () => book(b, neighbour, neighbourToken),
      (answer) => answer.status === 503,
    );
    assert.ok(first.line && later.line);
    // The later click, back on B with its ticket, is told it comes behind the family's, promised by A.
    const behind = await until(
      () => book(b, neighbour, neighbourToken, later.line!.ticket),
      (answer) => answer.line?.place === 2,
    );
    assert.equal(behind.status, 503);

    await portal.db.query("delete from booking_line_admitted where process_id = 'held-by-test'");
    // The line is free: the family's ticket, sent to B, is honoured there; then the later click is served.
    const served = await until(
      () => book(b, family, familyToken, first.line!.ticket),
      (answer) => answer.status !== 503,
    );
    assert.equal(served.status, 200);
    const next = await until(
      () => book(b, neighbour, neighbourToken, later.line!.ticket),
      (answer) => answer.status !== 503,
    );
    assert.equal(next.status, 200);
  });
});
