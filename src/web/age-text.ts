import { countKey, type Translate } from '../i18n/catalogue.js';

/** A child's age in years, in its grammatical number: "1 an", "7 ans". */
export function ageText(t: Translate, years: number): string {
  return t(countKey('record.age', years), { years });
}
