import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiryOf, requirementState } from './validity.js';

describe('validity of the documents asked for', () => {
  it('one school year: valid until 31 August after the school year it was sent in', () => {
    const schoolYear = { validity: 'school_year' as const, validity_months: null };
    assert.equal(expiryOf(schoolYear, '2026-12-06'), '2027-09-01');
    assert.equal(expiryOf(schoolYear, '2027-08-31'), '2027-09-01');
    assert.equal(expiryOf(schoolYear, '2027-09-01'), '2028-09-01');
  });

  it('some months: the same day later, or the last day of a shorter month', () => {
    assert.equal(expiryOf({ validity: 'months', validity_months: 3 }, '2026-12-06'), '2027-03-06');
    assert.equal(expiryOf({ validity: 'months', validity_months: 1 }, '2027-01-31'), '2027-02-28');
    assert.equal(expiryOf({ validity: 'months', validity_months: 12 }, '2028-02-29'), '2029-02-28');
    assert.equal(expiryOf({ validity: 'none', validity_months: null }, '2026-12-06'), null);
  });

  it('the last document sent decides: missing, pending, refused with its reason, valid until the day before expiry, expired that day', () => {
    const sentAt = new Date('2026-12-06T10:00:00Z');
    assert.deepEqual(requirementState(undefined, '2026-12-06'), { kind: 'missing' });
    assert.deepEqual(requirementState({ status: 'pending', reason: null, expires_on: null, sent_at: sentAt }, '2026-12-06'), { kind: 'pending', sentAt });
    assert.deepEqual(requirementState({ status: 'refused', reason: 'Illisible', expires_on: null, sent_at: sentAt }, '2026-12-06'), {
      kind: 'refused',
      reason: 'Illisible',
    });
    const accepted = { status: 'accepted' as const, reason: null, expires_on: '2027-09-01', sent_at: sentAt };
    assert.deepEqual(requirementState(accepted, '2027-08-31'), { kind: 'valid', validUntil: '2027-08-31' });
    assert.deepEqual(requirementState(accepted, '2027-09-01'), { kind: 'expired', expiredOn: '2027-09-01' });
    assert.deepEqual(requirementState({ ...accepted, expires_on: null }, '2040-01-01'), { kind: 'valid', validUntil: null });
  });
});
