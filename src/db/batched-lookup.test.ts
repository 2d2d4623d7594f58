import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BatchedLookup } from './batched-lookup.js';

/** A fetch that records the keys of each call and finds the even numbers (as their double). */
function evens() {
  const calls: number[][] = [];
  const fetch = async (keys: number[]) => {
    calls.push(keys);
    return new Map(keys.filter((key) => key % 2 === 0).map((key) => [key, key * 2]));
  };
  return { calls, fetch };
}

it('reads the keys asked in the same turn in one fetch, each key once, and answers every caller', async () => {
  const { calls, fetch } = evens();
  const lookup = new BatchedLookup(fetch);
  const answers = await Promise.all([2, 3, 4, 2].map((key) => lookup.get(key)));
  assert.deepEqual(answers, [4, undefined, 8, 4]);
  assert.deepEqual(calls, [[2, 3, 4]]);
  assert.equal(await lookup.get(6), 12, 'a later look-up gets a fetch of its own');
  assert.equal(calls.length, 2);
});

it('splits a large turn into fetches of maxKeys', async () => {
  const { calls, fetch } = evens();
  const lookup = new BatchedLookup(fetch, 2);
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((key) => lookup.get(key))), [undefined, 4, undefined, 8, undefined]);
  assert.deepEqual(calls, [[1, 2], [3, 4], [5]]);
});

it('fails only the callers of a fetch that failed, and reads again afterwards', async () => {
  let fail = true;
  const lookup = new BatchedLookup(async (keys: number[]) => {
    if (fail) throw new Error('connection lost');
    return new Map(keys.map((key) => [key, key]));
  });
  const failed = await Promise.allSettled([lookup.get(1), lookup.get(2)]);
  assert.deepEqual(
    failed.map((result) => result.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  assert.equal(await lookup.get(1), 1);
});
