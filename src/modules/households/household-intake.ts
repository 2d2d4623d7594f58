import { sql, type RawBuilder } from 'kysely';
import { createAccount, normalizeEmail } from '../identity/accounts.js';
import { sendFirstAccess } from '../identity/invitations.js';
import type { SecretMailContext } from '../notifications/compose-email.js';
import { personFullName } from '../person-name.js';
import type { Scope } from '../scope.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import type { FieldError } from '../validation/fields.js';
import type { GuardianQuality } from './households.tables.js';
import { createHousehold, type NewPerson } from './households.js';
import { checkFieldValue, fieldsOf, recordField, type CheckContext, type RecordField, type StoredValue } from './record-fields.js';
import { may } from '../access.js';

/**
 * A household typed in by staff from the paper registration form: its address, the first guardian,
 * an optional partner and the children. Staff are warned of households that look like the same
 * family before it is created; each adult with an email then gets an account and the portal's
 * first access by email.
 */

export const GUARDIAN_QUALITIES: readonly GuardianQuality[] = ['mother', 'father', 'guardian', 'other'];
export const INTAKE_HOUSEHOLD_FIELDS: RecordField[] = fieldsOf('address');
export const INTAKE_ADULT_FIELDS: RecordField[] = ['adult.civility', 'adult.first_name', 'adult.last_name', 'adult.email', 'adult.mobile_phone'].map(
  (key) => recordField(key)!,
);
export const INTAKE_CHILD_FIELDS: RecordField[] = ['child.first_name', 'child.last_name', 'child.birth_date', 'child.sex'].map((key) => recordField(key)!);
/** Empty child rows the form offers at first; staff add more without JavaScript. */
export const INTAKE_CHILD_ROWS = 3;
export const MAX_CHILD_ROWS = 12;

/** Form names: the household's fields as they are, people's fields under their prefix (`guardian.adult.email`, `child0.child.first_name`). */
export const GUARDIAN = 'guardian.';
export const PARTNER = 'partner.';
export const childPrefix = (row: number) => `child${row}.`;
export const QUALITY = 'quality';

export type IntakeForm = Record<string, string | undefined>;

interface IntakeAdult {
  person: NewPerson;
  quality: GuardianQuality | null;
}

export interface Intake {
  household: Record<string, StoredValue>;
  guardian: IntakeAdult;
  partner: IntakeAdult | null;
  children: NewPerson[];
}

export type EmailConflict = 'account' | 'same_as_guardian';

export type DuplicateReason = 'email' | 'phone' | 'child' | 'name_postcode';

export interface LikelyDuplicate {
  householdId: string;
  familyNumber: string;
  name: string;
  reasons: DuplicateReason[];
}

export type IntakeOutcome =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; errors: Record<string, FieldError> }
  /** By form name (`guardian.adult.email`): already an account's login, or the partner's is the guardian's. */
  | { kind: 'email_taken'; fields: Record<string, EmailConflict> }
  | { kind: 'duplicates'; duplicates: LikelyDuplicate[] }
  | { kind: 'created'; householdId: string };

/** How many child rows the form holds: the rows it was sent with, at least the first offer. */
export function childRowsOf(form: IntakeForm): number {
  let rows = 0;
  for (let row = 0; row < MAX_CHILD_ROWS; row++) {
    if (INTAKE_CHILD_FIELDS.some((def) => `${childPrefix(row)}${def.key}` in form)) rows = row + 1;
  }
  return Math.max(rows, INTAKE_CHILD_ROWS);
}

const isBlank = (form: IntakeForm, prefix: string, fields: RecordField[]) => fields.every((def) => (form[`${prefix}${def.key}`] ?? '').trim() === '');

/** Checks every part of the paper form; errors by form name. */
export function checkIntake(form: IntakeForm, context: CheckContext): { errors: Record<string, FieldError>; intake: Intake | null } {
  const errors: Record<string, FieldError> = {};
  const check = (prefix: string, fields: RecordField[]) => {
    const values: Record<string, StoredValue> = {};
    for (const def of fields) {
      const checked = checkFieldValue(def, form[`${prefix}${def.key}`], context);
      if (checked.ok) values[def.column] = checked.value;
      else errors[`${prefix}${def.key}`] = checked.error;
    }
    return values;
  };
  const adult = (prefix: string): IntakeAdult => {
    const quality = form[`${prefix}${QUALITY}`] ?? '';
    if (quality !== '' && !GUARDIAN_QUALITIES.includes(quality as GuardianQuality)) errors[`${prefix}${QUALITY}`] = 'choice';
    return { person: check(prefix, INTAKE_ADULT_FIELDS) as NewPerson, quality: quality === '' ? null : (quality as GuardianQuality) };
  };

  const household = check('', INTAKE_HOUSEHOLD_FIELDS);
  const guardian = adult(GUARDIAN);
  const partner = isBlank(form, PARTNER, INTAKE_ADULT_FIELDS) ? null : adult(PARTNER);
  const children: NewPerson[] = [];
  for (let row = 0; row < childRowsOf(form); row++) {
    if (!isBlank(form, childPrefix(row), INTAKE_CHILD_FIELDS)) children.push(check(childPrefix(row), INTAKE_CHILD_FIELDS) as NewPerson);
  }
  return Object.keys(errors).length > 0 ? { errors, intake: null } : { errors, intake: { household, guardian, partner, children } };
}

/** The name under which the household is filed: the guardian's last name in capitals, then the first name. */
export function householdName(guardian: NewPerson): string {
  return `${guardian.last_name.toUpperCase()} ${guardian.first_name}`;
}

const digitsOf = (column: string) => sql<string>`regexp_replace(coalesce(${sql.ref(column)}, ''), '[^0-9]', '', 'g')`;

/**
 * Households that may already be this family: one of its people has the guardian's email or one of
 * the typed phones, a child has the same name and birth date, or it has the same name and postcode.
 */
export async function likelyDuplicates(scope: Scope, intake: Intake): Promise<LikelyDuplicate[]> {
  const { tx } = scope;
  const found = new Map<string, LikelyDuplicate>();
  const add = (rows: { id: string; family_number: string; name: string }[], reason: DuplicateReason) => {
    for (const row of rows) {
      const entry = found.get(row.id) ?? { householdId: row.id, familyNumber: row.family_number, name: row.name, reasons: [] };
      if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
      found.set(row.id, entry);
    }
  };
  const households = () => tx.selectFrom('households as h').select(['h.id', 'h.family_number', 'h.name']);
  // Households one of whose people (`p`) meets the condition.
  const withMember = (condition: RawBuilder<boolean>) =>
    households().where('h.id', 'in', (eb) =>
      eb.selectFrom('household_members as m').innerJoin('persons as p', 'p.id', 'm.person_id').select('m.household_id').where(condition),
    );

  const emails = [intake.guardian.person.email, intake.partner?.person.email].filter((email): email is string => Boolean(email));
  if (emails.length > 0) add(await withMember(sql<boolean>`lower(p.email) in (${sql.join(emails)})`).execute(), 'email');

  const phones = [intake.guardian.person.mobile_phone, intake.partner?.person.mobile_phone, intake.household.home_phone as string | null]
    .filter((phone): phone is string => Boolean(phone))
    .map((phone) => phone.replace(/\D/g, ''));
  if (phones.length > 0) {
    const list = sql.join(phones);
    add(
      await withMember(
        sql<boolean>`(${digitsOf('p.mobile_phone')} in (${list}) or ${digitsOf('p.home_phone')} in (${list}) or ${digitsOf('p.work_phone')} in (${list}))`,
      ).execute(),
      'phone',
    );
    add(
      await households()
        .where(sql<boolean>`${digitsOf('h.home_phone')} in (${list})`)
        .execute(),
      'phone',
    );
  }

  // Names are compared whatever their case and accents (Léonie typed Leonie), by search_text() on both sides, as the search does.
  for (const child of intake.children) {
    add(
      await withMember(
        sql<boolean>`search_text(p.first_name) = search_text(${child.first_name}) and search_text(p.last_name) = search_text(${child.last_name}) and p.birth_date = ${child.birth_date}`,
      ).execute(),
      'child',
    );
  }

  const postcode = intake.household.postcode;
  if (typeof postcode === 'string') {
    add(
      await households()
        .where(sql<boolean>`search_text(h.name) = search_text(${householdName(intake.guardian.person)})`)
        .where('h.postcode', '=', postcode)
        .execute(),
      'name_postcode',
    );
  }
  return [...found.values()];
}

/**
 * The adults' emails that cannot become their logins: already an account's, or the partner's equal
 * to the guardian's (each adult has a login of their own). By form name.
 */
async function emailConflicts(scope: Scope, intake: Intake): Promise<Record<string, EmailConflict>> {
  const adults: [string, string | null | undefined][] = [
    [GUARDIAN, intake.guardian.person.email],
    [PARTNER, intake.partner?.person.email],
  ];
  const typed = adults.filter((entry): entry is [string, string] => Boolean(entry[1])).map(([prefix, email]) => [prefix, normalizeEmail(email)] as const);
  if (typed.length === 0) return {};
  const taken = await scope.tx
    .selectFrom('accounts')
    .select('email')
    .where(
      'email',
      'in',
      typed.map(([, email]) => email),
    )
    .execute();
  const conflicts: Record<string, EmailConflict> = {};
  for (const [prefix, email] of typed) {
    if (taken.some((account) => account.email === email)) conflicts[`${prefix}adult.email`] = 'account';
    else if (prefix === PARTNER && email === typed[0]![1] && typed[0]![0] === GUARDIAN) conflicts[`${prefix}adult.email`] = 'same_as_guardian';
  }
  return conflicts;
}

/**
 * Creates the household from the paper form, unless it is invalid, an adult's email is already
 * someone's login, or it looks like an existing household and staff have not confirmed. Each adult
 * with an email (the guardian, the partner) gets an account and its first access (sent after the
 * commit by the outbox).
 */
export async function registerHousehold(
  scope: Scope,
  form: IntakeForm,
  options: { context: CheckContext; settings: TenantSettings; mail: SecretMailContext; confirmed: boolean },
): Promise<IntakeOutcome> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const { errors, intake } = checkIntake(form, options.context);
  if (!intake) return { kind: 'invalid', errors };

  const conflicts = await emailConflicts(scope, intake);
  if (Object.keys(conflicts).length > 0) return { kind: 'email_taken', fields: conflicts };
  if (!options.confirmed) {
    const duplicates = await likelyDuplicates(scope, intake);
    if (duplicates.length > 0) return { kind: 'duplicates', duplicates };
  }

  const { household } = intake;
  const created = await createHousehold(scope, {
    name: householdName(intake.guardian.person),
    addressLine1: household.address_line1 as string | null,
    addressLine2: household.address_line2 as string | null,
    postcode: household.postcode as string | null,
    city: household.city as string | null,
    homePhone: household.home_phone as string | null,
    members: [
      { role: 'guardian', person: intake.guardian.person, quality: intake.guardian.quality ?? undefined },
      ...(intake.partner ? [{ role: 'partner' as const, person: intake.partner.person, quality: intake.partner.quality ?? undefined }] : []),
      ...intake.children.map((person) => ({ role: 'child' as const, person })),
    ],
  });
  // The members were created in this order: the guardian first, then the partner.
  const adults = [intake.guardian, ...(intake.partner ? [intake.partner] : [])];
  for (const [index, adult] of adults.entries()) {
    const email = adult.person.email;
    if (!email) continue;
    const accountId = await createAccount(scope, {
      kind: 'family',
      householdId: created.householdId,
      personId: created.personIds[index]!,
      email,
      displayName: personFullName(adult.person),
    });
    await sendFirstAccess(scope, accountId, options.settings, options.mail);
  }
  return { kind: 'created', householdId: created.householdId };
}
