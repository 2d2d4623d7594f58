import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BOOKING_STATUSES } from '../bookings/booking-states.js';
import { billedKindOf, chargeHolds } from './billable.js';
import { billedParts, type Tariff, unitPrice } from './pricing.js';

const base: Tariff = {
  kind: 'flat',
  flatCents: 250,
  brackets: [],
  effortRateBps: null,
  effortFloorCents: null,
  effortCeilingCents: null,
  mealCents: 0,
  siblingPercents: [],
  nonResidentExtraCents: 0,
  unbookedCents: null,
};
const resident = { qf: 800, rank: 1, resident: true };

describe('what is billed, state by state', () => {
  it('bills attended, absent without excuse and late-cancelled days, and nothing else', () => {
    const expected: Record<string, string | null> = {
      requested: null,
      reserved: null,
      refused: null,
      waitlisted: null,
      offered: null,
      cancel_requested: null,
      cancelled: null,
      present: 'attended',
      absent_excused: null,
      absent_billed: 'absence',
      late_cancelled: 'late_cancellation',
      // Held in a prepayment basket: billed when the basket is paid, never by a run.
      awaiting_payment: null,
    };
    for (const status of BOOKING_STATUSES) assert.equal(billedKindOf(status, false), expected[status], status);
  });

  it('keeps a prepaid day billed while the family keeps it, and reverses it when cancelled in time, excused or refused', () => {
    const holds = BOOKING_STATUSES.filter((status) => chargeHolds('prepaid', status, false));
    assert.deepEqual(holds.sort(), ['absent_billed', 'cancel_requested', 'late_cancelled', 'present', 'reserved']);
    assert.equal(chargeHolds('attended', 'present', false), true);
    assert.equal(chargeHolds('attended', 'absent_excused', false), false);
  });

  it('bills a day attended without a booking as such, and an unbooked row that was not attended not at all', () => {
    assert.equal(billedKindOf('present', true), 'unbooked_presence');
    assert.equal(billedKindOf('absent_excused', true), null);
  });
});

describe('a unit’s price', () => {
  it('is the flat price plus the meal part', () => {
    assert.deepEqual(unitPrice({ ...base, mealCents: 230 }, resident), { care: 250, meal: 230 });
  });

  it('follows the brackets of quotient familial, the highest one without a valid QF', () => {
    const tariff: Tariff = {
      ...base,
      kind: 'qf_brackets',
      flatCents: null,
      brackets: [
        { qfMin: 1201, careCents: 420 },
        { qfMin: 0, careCents: 90 },
        { qfMin: 601, careCents: 250 },
      ],
    };
    const at = (qf: number | null) => unitPrice(tariff, { ...resident, qf }).care;
    assert.deepEqual([at(0), at(600), at(601), at(1200), at(1201), at(5000), at(null)], [90, 90, 250, 250, 420, 420, 420]);
  });

  it('applies a rate of effort within its floor and ceiling, the ceiling without a valid QF', () => {
    const tariff: Tariff = { ...base, kind: 'effort_rate', flatCents: null, effortRateBps: 50, effortFloorCents: 150, effortCeilingCents: 900 };
    const at = (qf: number | null) => unitPrice(tariff, { ...resident, qf }).care;
    // 0.50 % of a QF of 800 € is 4.00 €; rounding to the cent: 0.50 % of 333 € is 1.665 €.
    assert.deepEqual([at(800), at(100), at(333), at(2500), at(null)], [400, 150, 167, 900, 900]);
  });

  it('reduces the care part, not the meal, by the child’s rank among the siblings booked that day', () => {
    const tariff: Tariff = { ...base, flatCents: 300, mealCents: 200, siblingPercents: [0, 10, 25] };
    const at = (rank: number) => unitPrice(tariff, { ...resident, rank });
    assert.deepEqual(
      [at(1), at(2), at(3), at(4)],
      [
        { care: 300, meal: 200 },
        { care: 270, meal: 200 },
        { care: 225, meal: 200 },
        { care: 225, meal: 200 },
      ],
    );
  });

  it('adds the non-resident supplement to the care part', () => {
    assert.deepEqual(unitPrice({ ...base, nonResidentExtraCents: 100 }, { ...resident, resident: false }), { care: 350, meal: 0 });
    assert.deepEqual(unitPrice({ ...base, nonResidentExtraCents: 100 }, resident), { care: 250, meal: 0 });
  });

  it('is always whole cents, never negative, and never higher for a younger sibling', () => {
    const tariffs = fc.record({
      kind: fc.constantFrom('flat' as const, 'qf_brackets' as const, 'effort_rate' as const),
      flatCents: fc.integer({ min: 0, max: 10_000 }),
      brackets: fc.array(fc.record({ qfMin: fc.integer({ min: 0, max: 3000 }), careCents: fc.integer({ min: 0, max: 10_000 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
      effortRateBps: fc.integer({ min: 1, max: 10_000 }),
      floor: fc.integer({ min: 0, max: 1000 }),
      extra: fc.integer({ min: 0, max: 1000 }),
      mealCents: fc.integer({ min: 0, max: 1000 }),
      siblingPercents: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 4 }).map((percents) => [...percents].sort((a, b) => a - b)),
    });
    fc.assert(
      fc.property(tariffs, fc.option(fc.integer({ min: 0, max: 5000 })), fc.integer({ min: 1, max: 6 }), fc.boolean(), (t, qf, rank, isResident) => {
        const tariff: Tariff = {
          ...base,
          kind: t.kind,
          flatCents: t.flatCents,
          brackets: t.brackets,
          effortRateBps: t.effortRateBps,
          effortFloorCents: t.floor,
          effortCeilingCents: t.floor + 2000,
          mealCents: t.mealCents,
          siblingPercents: t.siblingPercents,
          nonResidentExtraCents: t.extra,
        };
        const price = unitPrice(tariff, { qf, rank, resident: isResident });
        const younger = unitPrice(tariff, { qf, rank: rank + 1, resident: isResident });
        return Number.isInteger(price.care) && price.care >= 0 && price.meal === t.mealCents && younger.care <= price.care;
      }),
    );
  });
});

describe('the parts of a billed day', () => {
  const price = { care: 300, meal: 250 };
  it('counts care and meal for a day attended, and a penalty only for absences and late cancellations', () => {
    assert.deepEqual(billedParts('attended', price, base), { care: 300, meal: 250, penalty: 0 });
    assert.deepEqual(billedParts('absence', price, base), { care: 0, meal: 0, penalty: 550 });
    assert.deepEqual(billedParts('late_cancellation', price, base), { care: 0, meal: 0, penalty: 550 });
  });

  it('counts what an unbooked day adds to the usual price as a penalty', () => {
    assert.deepEqual(billedParts('unbooked_presence', price, { unbookedCents: 800 }), { care: 300, meal: 250, penalty: 250 });
    assert.deepEqual(billedParts('unbooked_presence', price, { unbookedCents: null }), { care: 300, meal: 250, penalty: 0 });
  });
});
