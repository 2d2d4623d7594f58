import assert from 'node:assert/strict';
import { it } from 'node:test';
import { proofLevel, refusalMs, remainingFailures, THROTTLE, throttleKeys } from './login-throttle.js';

const MINUTE = 60_000;

it('refuses an address on an account from the 5th failure, doubling each time, capped at an hour', () => {
  const from = THROTTLE.accountAddress.refuseFrom;
  assert.equal(refusalMs(from - 1, from), 0);
  assert.equal(refusalMs(from, from), MINUTE);
  assert.equal(refusalMs(from + 1, from), 2 * MINUTE);
  assert.equal(refusalMs(from + 3, from), 8 * MINUTE);
  assert.equal(refusalMs(from + 20, from), 60 * MINUTE);
});

it('forgets one failure per leak period since the last one, so one failure an hour never adds up', () => {
  const { leakMs } = THROTTLE.accountAddress;
  assert.equal(remainingFailures(4, leakMs - 1, leakMs), 4);
  assert.equal(remainingFailures(4, leakMs, leakMs), 3);
  assert.equal(remainingFailures(4, 10 * leakMs, leakMs), 0);
  let failures = 0;
  for (let hour = 0; hour < 24; hour++) failures = remainingFailures(failures, 60 * MINUTE, leakMs) + 1;
  assert.equal(failures, 1);
});

it('asks for a proof from the 3rd failure on an account, twice as hard every 5 more, up to level 5; from the 30th of an address', () => {
  assert.equal(proofLevel(2, 29), null);
  assert.equal(proofLevel(3, 0), 0);
  assert.equal(proofLevel(7, 0), 0);
  assert.equal(proofLevel(8, 0), 1);
  assert.equal(proofLevel(28, 0), 5);
  assert.equal(proofLevel(500, 0), 5);
  assert.equal(proofLevel(0, 30), 0);
});

it('keeps each bucket’s key apart, whatever is typed as the email', () => {
  const owner = throttleKeys(' Alice@Example.test', '192.0.2.1');
  assert.equal(owner.account, 'account:alice%40example.test');
  assert.equal(owner.accountAddress, 'account:alice%40example.test address:192.0.2.1');
  assert.equal(owner.address, 'address:192.0.2.1');
  const forged = throttleKeys('alice@example.test address:192.0.2.1', '198.51.100.7');
  assert.notEqual(forged.account, owner.accountAddress, 'a typed email cannot add failures to the owner’s address');
  assert.deepEqual(throttleKeys('alice@example.test', null), { account: owner.account, accountAddress: null, address: null });
});
