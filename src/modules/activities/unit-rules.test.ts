import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unitConflicts, unitsBlockedBy, type UnitRelations } from './unit-rules.js';

const units: UnitRelations[] = [
  { id: 'journee', excludes: ['matin', 'apres-midi'], requiresAny: [] },
  { id: 'matin', excludes: [], requiresAny: [] },
  { id: 'apres-midi', excludes: [], requiresAny: [] },
  { id: 'repas', excludes: [], requiresAny: ['journee', 'matin'] },
];

describe('rules between the units of a day', () => {
  it('refuses Journée with Matin, whichever was chosen first', () => {
    assert.deepEqual(unitConflicts(units, new Set(['journee', 'matin'])), [{ kind: 'excludes', unitId: 'journee', other: 'matin' }]);
    assert.deepEqual(unitConflicts(units, new Set(['matin', 'journee'])), [{ kind: 'excludes', unitId: 'journee', other: 'matin' }]);
  });

  it('refuses Repas alone and accepts it with Journée or Matin', () => {
    assert.deepEqual(unitConflicts(units, new Set(['repas'])), [{ kind: 'requires', unitId: 'repas', anyOf: ['journee', 'matin'] }]);
    assert.deepEqual(unitConflicts(units, new Set(['repas', 'journee'])), []);
    assert.deepEqual(unitConflicts(units, new Set(['repas', 'matin', 'apres-midi'])), []);
  });

  it('finds a conflict exactly when an exclusion or a missing need is present (property)', () => {
    fc.assert(
      fc.property(fc.subarray(units.map((unit) => unit.id)), (chosen) => {
        const booked = new Set(chosen);
        const excluded = booked.has('journee') && (booked.has('matin') || booked.has('apres-midi'));
        const lonelyMeal = booked.has('repas') && !booked.has('journee') && !booked.has('matin');
        assert.equal(unitConflicts(units, booked).length > 0, excluded || lonelyMeal);
      }),
    );
  });

  it('blocks what cannot join the units already held that day, and nothing on an empty day', () => {
    assert.deepEqual([...unitsBlockedBy(units, new Set())], [], 'Repas alone waits for Journée or Matin ticked with it');
    assert.deepEqual(
      [...unitsBlockedBy(units, new Set(['journee']))].sort(),
      [
        ['apres-midi', ['journee']],
        ['matin', ['journee']],
      ],
      'each with the unit that bars it',
    );
    assert.deepEqual([...unitsBlockedBy(units, new Set(['matin']))], [['journee', ['matin']]], 'the exclusion holds from the other side');
    const mealNeedsMorning: UnitRelations[] = [...units.filter((unit) => unit.id !== 'repas'), { id: 'repas', excludes: [], requiresAny: ['matin'] }];
    assert.deepEqual(
      [...unitsBlockedBy(mealNeedsMorning, new Set(['journee']))].sort(),
      [
        ['apres-midi', ['journee']],
        ['matin', ['journee']],
        ['repas', ['journee']],
      ],
      'a meal whose only need is excluded cannot be had, barred by what bars its need',
    );
  });
});
