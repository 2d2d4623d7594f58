import type { StoredValue } from './record-fields.js';

/**
 * The children a person wrote in their account request, free text ("Léa MARTIN 12/03/2018", one a
 * line or separated by ";"), read back as the fields of a new child: the date found is the birth
 * date, the first word the first name, the rest the family name (the parent's when none is written).
 */
export function signupChildren(text: string | null, familyName: string): Record<string, StoredValue>[] {
  if (!text) return [];
  return text
    .split(/[\n;]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const date = /(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/.exec(line);
      const birthDate = date ? isoDate(Number(date[3]), Number(date[2]), Number(date[1])) : null;
      const words = (date ? line.replace(date[0], ' ') : line)
        .replace(/[,()–—:]+/g, ' ')
        .split(/\s+/)
        .filter((word) => word !== '' && !LINKING_WORDS.has(word.toLocaleLowerCase('fr-FR')));
      const [firstName = line, ...rest] = words;
      const fields: Record<string, StoredValue> = {
        'child.first_name': firstName.slice(0, 100),
        'child.last_name': (rest.length > 0 ? rest.join(' ') : familyName).toLocaleUpperCase('fr-FR').slice(0, 100),
      };
      if (birthDate) fields['child.birth_date'] = birthDate;
      return fields;
    });
}

/** Words people write around a birth date ("né le"), not part of a name. */
const LINKING_WORDS = new Set(['né', 'née', 'le', 'du', 'born', 'on', '-']);

/** A real calendar day as YYYY-MM-DD, or null ("31/02/2018" is no day). */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
