import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BatchGate } from './load-shedding.js';

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

it('answers the items that arrived during a turn together in the next one, in their order, up to maxBatch', async () => {
  const { turns, runner } = doubling(20);
  const gate = new BatchGate(runner, { maxBatch: 3, maxQueue: 100, maxWaitMs: 10_000 });
  const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((item) => gate.submit('ville', item)));
  assert.deepEqual(answers, [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(turns, [[1], [2, 3, 4], [5, 6]]);
});

it('keeps each line apart: one authority’s turn does not wait for another’s', async () => {
  const { turns, runner } = doubling(20);
  const gate = new BatchGate(runner, { maxBatch: 10, maxQueue: 100, maxWaitMs: 10_000 });
  await Promise.all([gate.submit('a', 1), gate.submit('b', 2), gate.submit('a', 3)]);
  assert.deepEqual(turns, [[1], [2], [3]]);
});

it('sheds at once beyond maxQueue while a turn runs, and sheds what waited longer than maxWaitMs', async () => {
  const { runner } = doubling(60);
  const gate = new BatchGate(runner, { maxBatch: 10, maxQueue: 2, maxWaitMs: 30 });
  const answers = await Promise.all([1, 2, 3, 4].map((item) => gate.submit('ville', item)));
  // 1 runs; 2 and 3 wait, and are shed after 30 ms since the turn lasts 60; 4 finds the queue full.
  assert.deepEqual(answers, [2, 'shed', 'shed', 'shed']);
  assert.equal(await gate.submit('ville', 5), 10, 'the line works again afterwards');
});

it('runs each item of a failed turn alone, so that only the bad one fails', async () => {
  const gate = new BatchGate(async (items: number[]) => {
    await sleep(5);
    if (items.includes(13)) throw new Error('unlucky');
    return items.map((item) => item * 2);
  }, { maxBatch: 10, maxQueue: 100, maxWaitMs: 10_000 });
  const answers = await Promise.allSettled([1, 2, 13, 4].map((item) => gate.submit('ville', item)));
  assert.deepEqual(answers.map((answer) => (answer.status === 'fulfilled' ? answer.value : (answer.reason as Error).message)), [2, 4, 'unlucky', 8]);
});
