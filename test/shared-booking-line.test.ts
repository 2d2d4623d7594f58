import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { SharedBookingLine } from '../src/modules/bookings/shared-booking-line.js';
import { BatchGate, clickNow } from '../src/web/load-shedding.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * One booking line per authority for every process on the database (issue #18): behind a reverse
 * proxy, a parent who clicked first keeps the place promised by one process when a later click
 * reaches another, and the line's size is the authority's, not each process's. Each gate stands
 * for a process; the test says when each syncs, as its timer would every half second.
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
