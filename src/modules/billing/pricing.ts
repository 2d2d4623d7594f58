import type { BilledKind, TariffKind } from './billing.tables.js';

/**
 * A unit's price for one child on one day, from its tariff (in cents, integers only):
 * - the care part by the tariff's kind: flat; by brackets of quotient familial (QF); or a rate of
 *   effort, QF × rate within a floor and a ceiling. Without a valid QF, the highest bracket or the
 *   ceiling (BILLING.md: the authority's usual choice);
 * - reduced by the child's rank among the siblings booked the same day (a percentage per rank);
 * - plus a supplement for a household living outside the authority;
 * - plus the meal part, never reduced: food is not care.
 */
export interface Tariff {
  kind: TariffKind;
  flatCents: number | null;
  /** Brackets by their lowest QF, any order. */
  brackets: { qfMin: number; careCents: number }[];
  effortRateBps: number | null;
  effortFloorCents: number | null;
  effortCeilingCents: number | null;
  mealCents: number;
  /** Percent off the care part for the 1st, 2nd, 3rd… child; the last applies to further ranks. */
  siblingPercents: number[];
  nonResidentExtraCents: number;
  /** The whole price of the unit attended without a booking; null: the usual price. */
  unbookedCents: number | null;
}

export interface PriceContext {
  /** The household's quotient familial on the day, or null when it has no valid one. */
  qf: number | null;
  /** 1 for the eldest child booked that day, 2 for the next… */
  rank: number;
  resident: boolean;
}

export interface Price {
  care: number;
  meal: number;
}

export function unitPrice(tariff: Tariff, context: PriceContext): Price {
  const base = careBase(tariff, context.qf);
  const percent = tariff.siblingPercents.length === 0 ? 0 : tariff.siblingPercents[Math.min(context.rank, tariff.siblingPercents.length) - 1]!;
  const reduced = Math.round((base * (100 - percent)) / 100);
  return { care: reduced + (context.resident ? 0 : tariff.nonResidentExtraCents), meal: tariff.mealCents };
}

function careBase(tariff: Tariff, qf: number | null): number {
  switch (tariff.kind) {
    case 'flat':
      return tariff.flatCents ?? 0;
    case 'qf_brackets': {
      const sorted = [...tariff.brackets].sort((a, b) => a.qfMin - b.qfMin);
      if (sorted.length === 0) return 0;
      if (qf === null) return sorted.at(-1)!.careCents;
      return (sorted.filter((bracket) => bracket.qfMin <= qf).at(-1) ?? sorted[0]!).careCents;
    }
    case 'effort_rate': {
      const floor = tariff.effortFloorCents ?? 0;
      const ceiling = tariff.effortCeilingCents ?? floor;
      if (qf === null) return ceiling;
      return Math.min(ceiling, Math.max(floor, Math.round((qf * (tariff.effortRateBps ?? 0)) / 100)));
    }
  }
}

/** What one billed day costs, split as BILLING.md asks: care (certified for the tax credit), meal, penalty. */
export interface BilledParts {
  care: number;
  meal: number;
  penalty: number;
}

/**
 * The parts of a billed day. An absence or a late cancellation is a penalty as a whole (no care was
 * given); a day attended without a booking is its usual care and meal plus, as a penalty, what its
 * unbooked price adds to them.
 */
export function billedParts(kind: BilledKind, price: Price, tariff: Pick<Tariff, 'unbookedCents'>): BilledParts {
  switch (kind) {
    case 'attended':
      return { care: price.care, meal: price.meal, penalty: 0 };
    case 'absence':
    case 'late_cancellation':
      return { care: 0, meal: 0, penalty: price.care + price.meal };
    case 'unbooked_presence': {
      const usual = price.care + price.meal;
      return { care: price.care, meal: price.meal, penalty: Math.max(0, (tariff.unbookedCents ?? usual) - usual) };
    }
  }
}
