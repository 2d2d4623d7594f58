import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lockDurationMs, THROTTLE } from './login-throttle.js';

it('locks an account from the 5th failure, doubling each time, capped at an hour', () => {
  const from = THROTTLE.account.lockFrom;
  assert.equal(lockDurationMs(from - 1, from), 0);
  assert.equal(lockDurationMs(from, from), 60_000);
  assert.equal(lockDurationMs(from + 1, from), 120_000);
  assert.equal(lockDurationMs(from + 3, from), 480_000);
  assert.equal(lockDurationMs(from + 20, from), 3_600_000);
});
