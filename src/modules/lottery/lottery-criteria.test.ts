import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareLevels, meets, orderedCriteria, postcodeList, priorityLevel, type CriteriaSettings, type HouseholdFacts } from './lottery-criteria.js';

const facts = (overrides: Partial<HouseholdFacts> = {}): HouseholdFacts => ({
  postcode: '38000',
  quotientFamilial: 600,
  guardiansWorking: [true, true],
  childrenConcerned: 1,
  refusedLastDraw: false,
  ...overrides,
});
const settings: CriteriaSettings = {
  criteria: ['resident', 'siblings', 'working_guardians', 'refused_last_draw', 'low_quotient'],
  residentPostcodes: ['38000', '38100'],
  quotientThreshold: 700,
};

describe('priority criteria', () => {
  it('reads each criterion from the household’s record', () => {
    assert.equal(meets('resident', facts(), settings), true);
    assert.equal(meets('resident', facts({ postcode: '69001' }), settings), false);
    assert.equal(meets('resident', facts({ postcode: null }), settings), false);
    assert.equal(meets('siblings', facts({ childrenConcerned: 2 }), settings), true);
    assert.equal(meets('siblings', facts(), settings), false);
    assert.equal(meets('working_guardians', facts({ guardiansWorking: [true, false] }), settings), false);
    assert.equal(meets('working_guardians', facts({ guardiansWorking: [true] }), settings), true, 'the one parent of a single-parent household works');
    assert.equal(meets('working_guardians', facts({ guardiansWorking: [] }), settings), false);
    assert.equal(meets('refused_last_draw', facts({ refusedLastDraw: true }), settings), true);
    assert.equal(meets('low_quotient', facts(), settings), true);
    assert.equal(meets('low_quotient', facts({ quotientFamilial: 700 }), settings), false, 'strictly below the threshold');
    assert.equal(meets('low_quotient', facts({ quotientFamilial: null }), settings), false);
    assert.equal(meets('low_quotient', facts(), { ...settings, quotientThreshold: null }), false);
  });

  it('gives the level as the tuple of the criteria met, in the authority’s order', () => {
    assert.deepEqual(priorityLevel(facts({ childrenConcerned: 3 }), settings), [1, 1, 1, 0, 1]);
    assert.deepEqual(priorityLevel(facts({ childrenConcerned: 3 }), { ...settings, criteria: ['refused_last_draw', 'siblings'] }), [0, 1]);
    assert.deepEqual(priorityLevel(facts(), { ...settings, criteria: [] }), []);
  });

  it('compares levels criterion by criterion: the first criterion outranks all the others together', () => {
    assert.ok(compareLevels([1, 0, 0], [0, 1, 1]) < 0);
    assert.ok(compareLevels([0, 1, 1], [1, 0, 0]) > 0);
    assert.equal(compareLevels([1, 0], [1, 0]), 0);
    assert.equal(compareLevels([], []), 0);
  });

  it('reads the ordered criteria and the postcodes of the settings form', () => {
    assert.deepEqual(orderedCriteria(['siblings', '', 'resident']), ['siblings', 'resident']);
    assert.equal(orderedCriteria(['siblings', 'siblings']), null);
    assert.equal(orderedCriteria(['unknown']), null);
    assert.deepEqual(postcodeList('38000, 38100;38000\n38130'), ['38000', '38100', '38130']);
    assert.deepEqual(postcodeList(''), []);
    assert.equal(postcodeList('3800'), null);
  });
});
