import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BatchGate, LoopPacer } from './load-shedding.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A runner that records its turns and answers each item with its double after `ms`. */
function doubling(ms: number) {
  const turns: number[][] = [];
  const runner = async (items: number[]) => {
    turns.push(items);
    await sleep(ms);
    return items.map((item) => item * 2);
  };
  return { turns, runner };
}

it('answers the items that arrived together, or during a turn, together in one turn, in their order, up to maxBatch', async () => {
  const { turns, runner } = doubling(20);
  const gate = new BatchGate(runner, { maxBatch: 3, maxAdmitted: 100, maxWaitMs: 10_000 });
  const first = [1, 2].map((item) => gate.submit('ville', item));
  // The first two arrived in the same turn of the event loop: the line waits one turn and takes them both.
  await new Promise((resolve) => setImmediate(resolve));
  const answers = await Promise.all([...first, ...[3, 4, 5, 6].map((item) => gate.submit('ville', item))]);
  assert.deepEqual(answers, [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(turns, [[1, 2], [3, 4, 5], [6]]);
});

it('keeps each line apart: one authority’s turn does not wait for another’s', async () => {
  const { turns, runner } = doubling(20);
  const gate = new BatchGate(runner, { maxBatch: 10, maxAdmitted: 100, maxWaitMs: 10_000 });
  await Promise.all([gate.submit('a', 1), gate.submit('b', 2), gate.submit('a', 3)]);
  assert.deepEqual(turns, [[1, 3], [2]]);
});

it('sheds what waited longer than maxWaitMs, and at once what would', async () => {
  const { runner } = doubling(60);
  const gate = new BatchGate(runner, { maxBatch: 1, maxAdmitted: 100, maxWaitMs: 30 });
  const answers = await Promise.all([1, 2, 3].map((item) => gate.submit('ville', item)));
  // 1 runs; 2 and 3 wait, and are shed after 30 ms since the turn lasts 60.
  assert.deepEqual(answers, [2, 'shed', 'shed']);
  const running = gate.submit('ville', 4);
  // The last turn took 60 ms: a newcomer behind 4 (one per turn) would wait past 30 ms. Asked at
  // once, not after a sleep: on a loaded machine 4's turn could be over by then.
  assert.equal(await gate.submit('ville', 5), 'shed');
  assert.equal(await running, 8, 'the line works again afterwards');
});

it('lets maxAdmitted requests in per line, turns the next away, and lets one in again when one is answered', () => {
  const gate = new BatchGate(doubling(1).runner, { maxBatch: 10, maxAdmitted: 2, maxWaitMs: 1000 });
  const first = gate.admit('ville');
  const second = gate.admit('ville');
  assert.ok(first && second);
  assert.equal(gate.admit('ville'), null, 'the third is turned away');
  assert.ok(gate.admit('autre-ville'), 'another authority has its own line');
  first();
  const third = gate.admit('ville');
  assert.ok(third, 'a place given back lets the next one in');
  assert.equal(gate.admit('ville'), null);
});

it('lets nobody in while more turned away wait for their answer than the line holds, and lets them in again once answered', async () => {
  const gate = new BatchGate(doubling(1).runner, { maxBatch: 10, maxAdmitted: 2, maxWaitMs: 1000 });
  const answered = [gate.turnedAway.next(), gate.turnedAway.next()];
  assert.ok(gate.admit('ville'), 'as many waiting as the line holds: still let in');
  answered.push(gate.turnedAway.next());
  assert.equal(gate.admit('ville'), null, 'behind on its answers, the process lets no more in');
  assert.equal(gate.admit('autre-ville'), null, 'for any authority: the process is what is behind');
  await Promise.all(answered);
  assert.ok(gate.admit('ville'), 'once they are answered, the line takes again');
});

it('runs each item of a failed turn alone, so that only the bad one fails', async () => {
  const gate = new BatchGate(
    async (items: number[]) => {
      await sleep(5);
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((item) => item * 2);
    },
    { maxBatch: 10, maxAdmitted: 100, maxWaitMs: 10_000 },
  );
  const answers = await Promise.allSettled([1, 2, 13, 4].map((item) => gate.submit('ville', item)));
  assert.deepEqual(
    answers.map((answer) => (answer.status === 'fulfilled' ? answer.value : (answer.reason as Error).message)),
    [2, 4, 'unlucky', 8],
  );
});

it('lets the paced through a few per turn of the event loop, in their order, with other work going on between', async () => {
  const pacer = new LoopPacer(2);
  const order: string[] = [];
  const paced = [1, 2, 3, 4, 5].map((n) => pacer.next().then(() => order.push(`paced ${n}`)));
  // Another request stepping once per turn of the loop, as one waiting on its database replies does.
  const otherWork = new Promise<void>((resolve) => {
    const step = (left: number) =>
      setImmediate(() => {
        order.push('other');
        if (left > 1) step(left - 1);
        else resolve();
      });
    step(3);
  });
  await Promise.all([...paced, otherWork]);
  assert.deepEqual(order, ['paced 1', 'paced 2', 'other', 'paced 3', 'paced 4', 'other', 'paced 5', 'other']);
});

it('answers a turn in the order of the clicks, whatever the order of arrival', async () => {
  const { turns, runner } = doubling(10);
  const gate = new BatchGate(runner, { maxBatch: 10, maxAdmitted: 100, maxWaitMs: 10_000 });
  // 3 clicked first but was turned away, and comes back with its ticket after 1 and 2 arrived.
  await Promise.all([gate.submit('ville', 1, 2000), gate.submit('ville', 2, 3000), gate.submit('ville', 3, 1000)]);
  assert.deepEqual(turns, [[3, 1, 2]]);
});

it('keeps the places of the line for the earlier clicks told to come back', async () => {
  const gate = new BatchGate(doubling(1).runner, { maxBatch: 10, maxAdmitted: 1, maxWaitMs: 10_000 });
  const now = Date.now();
  const held = gate.admit('ville', now - 100)!;
  // Two clicks turned away, told their places in the order of their clicks.
  assert.equal(gate.placeInLine('ville', 'b', now - 50).place, 1);
  assert.equal(gate.placeInLine('ville', 'a', now - 80).place, 1);
  assert.equal(gate.placeInLine('ville', 'b', now - 50).place, 2, 'b clicked after a');
  held();
  // The place is free, but kept for a: b is turned away again, and so is a newcomer; then a comes in, and b after it.
  assert.equal(gate.admit('ville', now - 50, 'b'), null);
  assert.equal(gate.admit('ville', Date.now()), null);
  const a = gate.admit('ville', now - 80, 'a');
  assert.ok(a);
  a();
  const b = gate.admit('ville', now - 50, 'b');
  assert.ok(b);
  b();
  // A newcomer waits behind nobody any more.
  gate.admit('ville', Date.now())!();
  // The wait told grows with the place: one a round of the line.
  for (const [index, key] of ['c', 'd', 'e', 'f', 'g', 'h'].entries()) gate.placeInLine('ville', key, now + index);
  assert.ok(gate.placeInLine('ville', 'i', now + 10).waitMs > gate.placeInLine('ville', 'd', now + 1).waitMs);
});
