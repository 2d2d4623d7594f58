/**
 * The authority's priority criteria for a lottery, and the priority level of a household: the
 * tuple of the criteria it meets, in the order the authority set (1 met, 0 not met). Levels are
 * compared as tuples: meeting the first criterion outranks anything the later ones say.
 */

export const CRITERIA = ['resident', 'siblings', 'working_guardians', 'refused_last_draw', 'low_quotient'] as const;
export type Criterion = (typeof CRITERIA)[number];

export function isCriterion(value: string): value is Criterion {
  return (CRITERIA as readonly string[]).includes(value);
}

/** What the draw knows of a household, read from its record when the draw runs. */
export interface HouseholdFacts {
  postcode: string | null;
  quotientFamilial: number | null;
  /**
   * Whether each guardian (and partner) of the household has a profession or an employer filled.
   * The record has no "in work" field: a filled profession or employer is the best signal it offers.
   */
  guardiansWorking: boolean[];
  /** Children of the household applying in this period, or already holding a place in it. */
  childrenConcerned: number;
  /** At least one of its applications at the previous draw of the same activity got no place. */
  refusedLastDraw: boolean;
}

export interface CriteriaSettings {
  criteria: readonly Criterion[];
  residentPostcodes: readonly string[];
  quotientThreshold: number | null;
}

/** Whether a household meets one criterion. */
export function meets(criterion: Criterion, facts: HouseholdFacts, settings: CriteriaSettings): boolean {
  switch (criterion) {
    case 'resident':
      return facts.postcode !== null && settings.residentPostcodes.includes(facts.postcode.trim());
    case 'siblings':
      return facts.childrenConcerned >= 2;
    case 'working_guardians':
      // Every guardian works: both of a couple, or the one parent of a single-parent household.
      return facts.guardiansWorking.length > 0 && facts.guardiansWorking.every(Boolean);
    case 'refused_last_draw':
      return facts.refusedLastDraw;
    case 'low_quotient':
      return settings.quotientThreshold !== null && facts.quotientFamilial !== null && facts.quotientFamilial < settings.quotientThreshold;
  }
}

/** The household's priority level: 1 or 0 per criterion, in the authority's order. */
export function priorityLevel(facts: HouseholdFacts, settings: CriteriaSettings): number[] {
  return settings.criteria.map((criterion) => (meets(criterion, facts, settings) ? 1 : 0));
}

/** Orders levels best first: compared criterion by criterion, a criterion met comes first. */
export function compareLevels(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (b[index] ?? 0) - (a[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The ordered list of criteria as a form sends it (one choice per rank, blanks skipped); null when one is repeated or unknown. */
export function orderedCriteria(choices: readonly string[]): Criterion[] | null {
  const picked = choices.map((choice) => choice.trim()).filter((choice) => choice !== '');
  if (!picked.every(isCriterion)) return null;
  if (new Set(picked).size !== picked.length) return null;
  return picked as Criterion[];
}

/** Postcodes typed as a list ("38000, 38100 38130"): five digits each; null when one is not. */
export function postcodeList(raw: string): string[] | null {
  const codes = raw
    .split(/[\s,;]+/)
    .map((code) => code.trim())
    .filter(Boolean);
  if (!codes.every((code) => /^\d{5}$/.test(code))) return null;
  return [...new Set(codes)];
}
