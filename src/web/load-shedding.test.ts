import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConcurrencyGate } from './load-shedding.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('runs at most `limit` works at once, queues a bounded number and sheds the rest', async () => {
  const gate = new ConcurrencyGate(2, 3, 10_000);
  let running = 0;
  let peak = 0;
  const work = async () => {
    running += 1;
    peak = Math.max(peak, running);
    await sleep(20);
    running -= 1;
    return 'done';
  };
  const results = await Promise.all(Array.from({ length: 8 }, () => gate.run(work)));
  assert.equal(peak, 2);
  assert.deepEqual(results.filter((result) => result === 'done').length, 5);
  assert.deepEqual(results.filter((result) => result === 'shed').length, 3);
});

it('sheds a request that waited too long, and frees its place in the queue', async () => {
  const gate = new ConcurrencyGate(1, 10, 30);
  const slow = gate.run(() => sleep(100).then(() => 'slow'));
  const late = await gate.run(async () => 'late');
  assert.equal(late, 'shed');
  assert.equal(await slow, 'slow');
  assert.equal(await gate.run(async () => 'after'), 'after');
});
