import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { drawHash, drawOrder, isSeed, newSeed, type LevelledHousehold } from './draw-order.js';
import { compareLevels } from './lottery-criteria.js';

const SEED = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const OTHER_SEED = 'ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

const households = (count: number, level: number[] = []): LevelledHousehold[] =>
  Array.from({ length: count }, (_, index) => ({ householdId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, level }));

describe('the draw order', () => {
  it('hashes as documented: HMAC-SHA-256 keyed by the seed’s bytes over the household id (checked against openssl)', () => {
    // printf '%s' f47ac10b-… | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f
    assert.equal(drawHash(SEED, 'f47ac10b-58cc-4372-a567-0e02b2c3d479'), 'ed23cc0bb7ecc6d9876a30b98cf613e649b3f717ff809f951318d3ab2dbaf475');
    assert.equal(drawHash(SEED, 'F47AC10B-58CC-4372-A567-0E02B2C3D479'), drawHash(SEED, 'f47ac10b-58cc-4372-a567-0e02b2c3d479'), 'the id is read in lowercase');
    assert.throws(() => drawHash('1234', 'x'));
  });

  it('gives the same order for the same seed, whatever order the households come in', () => {
    const list = households(50);
    const first = drawOrder(SEED, list).map((household) => household.householdId);
    const shuffled = [...list].reverse();
    assert.deepEqual(
      drawOrder(SEED, shuffled).map((household) => household.householdId),
      first,
    );
    assert.notDeepEqual(
      drawOrder(OTHER_SEED, list).map((household) => household.householdId),
      first,
      'another seed, another order',
    );
    assert.notDeepEqual(
      first,
      list.map((household) => household.householdId),
      'not the order the households came in',
    );
  });

  it('puts every household of a better level before any household of a worse one, shuffling only inside a level', () => {
    const list: LevelledHousehold[] = [
      ...households(10, [0, 1]),
      ...households(10, [1, 0]).map((h) => ({ ...h, householdId: h.householdId.replace('8000', '8001') })),
      ...households(10, [1, 1]).map((h) => ({ ...h, householdId: h.householdId.replace('8000', '8002') })),
      ...households(10, [0, 0]).map((h) => ({ ...h, householdId: h.householdId.replace('8000', '8003') })),
    ];
    const order = drawOrder(SEED, list);
    assert.deepEqual([...new Set(order.map((household) => household.level.join('')))], ['11', '10', '01', '00']);
    assert.deepEqual(
      order.map((household) => household.position),
      Array.from({ length: 40 }, (_, index) => index + 1),
    );
    for (const level of ['11', '10', '01', '00']) {
      const hashes = order.filter((household) => household.level.join('') === level).map((household) => household.hash);
      assert.deepEqual(hashes, [...hashes].sort(), `level ${level} ordered by hash`);
    }
  });

  it('holds for any households and seed: levels never go up along the order, and re-running gives the same order', () => {
    const household = fc.record({ householdId: fc.uuid(), level: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 3, maxLength: 3 }) });
    const seed = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'));
    fc.assert(
      fc.property(seed, fc.uniqueArray(household, { selector: (h) => h.householdId.toLowerCase(), maxLength: 40 }), (seedHex, list) => {
        const order = drawOrder(seedHex, list);
        assert.equal(order.length, list.length);
        for (let index = 1; index < order.length; index++) assert.ok(compareLevels(order[index - 1]!.level, order[index]!.level) <= 0);
        assert.deepEqual(drawOrder(seedHex, [...list].reverse()), order);
      }),
    );
  });

  it('draws new seeds of 256 random bits', () => {
    const seed = newSeed();
    assert.ok(isSeed(seed));
    assert.notEqual(newSeed(), seed);
    assert.equal(drawOrder(seed, [{ householdId: randomUUID(), level: [] }]).length, 1);
  });
});
