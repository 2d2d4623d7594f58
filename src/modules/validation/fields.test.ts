import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDate, email, euros, iban, bic, integer, phone, postcode, required } from './fields.js';

describe('field checks', () => {
  it('accepts French phone numbers in their usual spellings and stores one readable form', () => {
    for (const raw of ['0612345678', '06 12 34 56 78', '06.12.34.56.78', '+33 6 12 34 56 78', '0033612345678']) {
      assert.deepEqual(phone(raw), { ok: true, value: '06 12 34 56 78' }, raw);
    }
  });

  it('accepts international numbers and refuses what is not a number', () => {
    assert.deepEqual(phone('+44 20 7946 0958'), { ok: true, value: '+44 20 7946 0958' });
    for (const raw of ['12345', '06 12 34 56', 'zero six', '+33 0 12 34 56 78']) assert.deepEqual(phone(raw), { ok: false, error: 'phone' }, raw);
    assert.deepEqual(phone('  '), { ok: true, value: null });
  });

  it('checks emails and lower-cases them', () => {
    assert.deepEqual(email(' Claire.Martin@Example.ORG '), { ok: true, value: 'claire.martin@example.org' });
    for (const raw of ['claire', 'claire@', '@example.org', 'claire@example', 'cl aire@example.org']) assert.equal(email(raw).ok, false, raw);
    assert.deepEqual(email(''), { ok: false, error: 'required' });
  });

  it('checks postcodes and required fields', () => {
    assert.deepEqual(postcode('97500'), { ok: true, value: '97500' });
    assert.deepEqual(postcode('7500'), { ok: false, error: 'postcode' });
    assert.deepEqual(required('  '), { ok: false, error: 'required' });
    assert.deepEqual(required('x'.repeat(201)), { ok: false, error: 'tooLong' });
  });
});

describe('record field checks', () => {
  it('checks IBANs with their key and stores them compact', () => {
    assert.deepEqual(iban('fr76 3000 6000 0112 3456 7890 189'), { ok: true, value: 'FR7630006000011234567890189' });
    assert.deepEqual(iban('FR76 3000 6000 0112 3456 7890 188'), { ok: false, error: 'iban' });
    assert.deepEqual(iban('DE89 3704 0044 0532 0130 00'), { ok: true, value: 'DE89370400440532013000' });
    assert.deepEqual(iban('12345'), { ok: false, error: 'iban' });
  });

  it('reads dates in both spellings and refuses impossible or future ones', () => {
    assert.deepEqual(calendarDate('2019-03-12'), { ok: true, value: '2019-03-12' });
    assert.deepEqual(calendarDate('12/03/2019'), { ok: true, value: '2019-03-12' });
    assert.deepEqual(calendarDate('31/02/2019'), { ok: false, error: 'date' });
    assert.deepEqual(calendarDate('2030-01-01', { notAfter: '2026-11-23' }), { ok: false, error: 'dateInFuture' });
  });

  it('reads amounts in euros into cents', () => {
    assert.deepEqual(euros('1 234,50 €'), { ok: true, value: 123450 });
    assert.deepEqual(euros('18000'), { ok: true, value: 1800000 });
    assert.deepEqual(euros('12,345'), { ok: false, error: 'amount' });
    assert.deepEqual(integer('3', 0, 20), { ok: true, value: 3 });
    assert.deepEqual(integer('-1', 0, 20), { ok: false, error: 'integer' });
    assert.deepEqual(bic('BNPAFRPPXXX'), { ok: true, value: 'BNPAFRPPXXX' });
  });
});
