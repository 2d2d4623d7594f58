import { sql, type Expression, type SqlBool } from 'kysely';
import type { Scope } from '../scope.js';
import { phone as checkPhone } from '../validation/fields.js';
import { may } from '../access.js';
import { personFullName } from '../person-name.js';

export interface HouseholdHit {
  id: string;
  familyNumber: string;
  name: string;
  guardians: string[];
  children: string[];
}

export const SEARCH_LIMIT = 50;

/** Escapes LIKE's wildcards, so that what staff type is matched as typed. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The digits by which a phone is matched whatever its spelling: "06 12 34 56 78", "+33 6 12 34 56 78"
 * and "0033612345678" all give 0612345678 (the form in which French numbers are stored).
 */
function phoneDigits(text: string): string | null {
  const checked = checkPhone(text);
  const digits = (checked.ok && checked.value ? checked.value : text).replace(/\D/g, '');
  return digits.length >= 6 ? digits : null;
}

/**
 * Households of the tenant matching what staff typed: a family number, an email, a phone, or words
 * that each begin the household's name or the first or last name of one of its people ("dupont zoé").
 * Names are matched by prefix, whatever the case and accents ("leonie" finds Léonie), through the
 * SQL function search_text() on both sides, so the lookups can use its indexes (migration 0011);
 * at most SEARCH_LIMIT households, by name.
 */
export async function searchHouseholds(scope: Scope, query: string): Promise<HouseholdHit[]> {
  const text = query.trim().toLowerCase();
  if (!may(scope, 'service.read') || text === '') return [];
  const { tx, tenantId } = scope;
  const words = text.split(/\s+/).slice(0, 5);
  const digits = /^[\d\s.+()-]+$/.test(text) ? phoneDigits(text) : null;

  const rows = await tx
    .selectFrom('households as h')
    .select(['h.id', 'h.family_number', 'h.name'])
    .where('h.tenant_id', '=', tenantId)
    .where((eb) => {
      // Households one of whose people meets the condition (on `p`).
      const memberWhere = (condition: Expression<SqlBool>) =>
        eb(
          'h.id',
          'in',
          eb
            .selectFrom('household_members as m')
            .select('m.household_id')
            .where('m.person_id', 'in', eb.selectFrom('persons as p').select('p.id').where('p.tenant_id', '=', tenantId).where(condition)),
        );
      // The typed word goes through search_text() too: one normalisation, in one place.
      const startsWith = (column: string, pattern: string) => eb(sql`search_text(${sql.ref(column)})`, 'like', sql<string>`search_text(${pattern})`);
      const nameWord = (word: string) =>
        eb.or([
          startsWith('h.name', likePrefix(word)),
          startsWith('h.name', `%${likePrefix(` ${word}`)}`),
          memberWhere(eb.or([startsWith('p.last_name', likePrefix(word)), startsWith('p.first_name', likePrefix(word))])),
        ]);
      const alternatives: Expression<SqlBool>[] = [eb('h.family_number', '=', text), eb.and(words.map(nameWord))];
      if (/^\d+$/.test(text)) alternatives.push(eb('h.family_number', '=', text.padStart(5, '0')));
      if (text.includes('@')) {
        alternatives.push(memberWhere(eb(sql`lower(p.email)`, '=', text)));
        alternatives.push(
          eb('h.id', 'in', eb.selectFrom('accounts as a').select('a.household_id').where('a.email', '=', text).where('a.household_id', 'is not', null)),
        );
      }
      if (digits) {
        const sameDigits = (column: string) => eb(sql`regexp_replace(coalesce(${sql.ref(column)}, ''), '[^0-9]', '', 'g')`, '=', digits);
        alternatives.push(sameDigits('h.home_phone'));
        alternatives.push(memberWhere(eb.or([sameDigits('p.mobile_phone'), sameDigits('p.home_phone'), sameDigits('p.work_phone')])));
      }
      return eb.or(alternatives);
    })
    .orderBy(sql`lower(h.name)`)
    .orderBy('h.family_number')
    .limit(SEARCH_LIMIT)
    .execute();
  if (rows.length === 0) return [];

  const members = await tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .select(['m.household_id', 'm.role', 'p.first_name', 'p.last_name'])
    .where(
      'm.household_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('p.birth_date')
    .execute();
  const namesOf = (householdId: string, roles: string[]) =>
    members.filter((member) => member.household_id === householdId && roles.includes(member.role)).map((member) => personFullName(member));
  return rows.map((row) => ({
    id: row.id,
    familyNumber: row.family_number,
    name: row.name,
    guardians: namesOf(row.id, ['guardian', 'partner']),
    children: namesOf(row.id, ['child']),
  }));
}
