import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { bic, calendarDate, email, euros, iban, integer, optional, phone, postcode, type FieldCheck } from '../validation/fields.js';

/**
 * Every field of the household record a family sees, in one list: what it is stored in, how it is
 * checked, where it is shown, and whether a family's change applies at once or goes to staff as a
 * request. Pages, requests, the staff inbox, the tenant's settings and the personal-data export all
 * read this list, so a field is described once.
 */

export type FieldTarget = 'household' | 'adult' | 'child';
export type FieldPolicy = 'direct' | 'request';
export type FieldKind = 'text' | 'longtext' | 'email' | 'phone' | 'postcode' | 'date' | 'boolean' | 'choice' | 'iban' | 'bic' | 'integer' | 'euros';

export type RecordSection =
  | 'address'
  | 'invoicing'
  | 'caf'
  | 'quotient'
  | 'tax'
  | 'bank'
  | 'identity'
  | 'contact'
  | 'work'
  | 'consent'
  | 'child_identity'
  | 'schooling'
  | 'health'
  | 'authorisations';

export const HOUSEHOLD_SECTIONS: RecordSection[] = ['address', 'invoicing', 'caf', 'quotient', 'tax', 'bank'];
export const ADULT_SECTIONS: RecordSection[] = ['identity', 'contact', 'work', 'consent'];
export const CHILD_SECTIONS: RecordSection[] = ['child_identity', 'schooling', 'health', 'authorisations'];

export interface RecordField {
  /** Unique name, also the form field's name and the catalogue key suffix (`field.<key>`). */
  key: string;
  target: FieldTarget;
  column: string;
  kind: FieldKind;
  section: RecordSection;
  choices?: readonly string[];
  required?: boolean;
  maxLength?: number;
  defaultPolicy: FieldPolicy;
  /** The tenant cannot let families change it directly (the email, which is also the login). */
  alwaysRequest?: boolean;
}

export const CIVILITIES = ['mme', 'm'] as const;
export const SEXES = ['f', 'm'] as const;
export const MARITAL_STATUSES = ['single', 'married', 'pacs', 'cohabiting', 'separated', 'divorced', 'widowed'] as const;
export const REGIMES = ['caf', 'msa', 'other', 'none'] as const;
export const CLASS_LEVELS = ['tps', 'ps', 'ms', 'gs', 'cp', 'ce1', 'ce2', 'cm1', 'cm2', 'college', 'other'] as const;

const field = <K extends string>(
  key: K,
  target: FieldTarget,
  section: RecordSection,
  kind: FieldKind,
  defaultPolicy: FieldPolicy,
  extra: Partial<Omit<RecordField, 'key'>> = {},
): RecordField & { key: K } => ({
  key,
  target,
  section,
  kind,
  defaultPolicy,
  column: extra.column ?? key.slice(key.indexOf('.') + 1),
  ...extra,
});

const FIELDS = [
  field('household.address_line1', 'household', 'address', 'text', 'request', { required: true }),
  field('household.address_line2', 'household', 'address', 'text', 'request'),
  field('household.postcode', 'household', 'address', 'postcode', 'request', { required: true }),
  field('household.city', 'household', 'address', 'text', 'request', { required: true }),
  field('household.home_phone', 'household', 'address', 'phone', 'direct'),
  field('household.invoice_by_email', 'household', 'invoicing', 'boolean', 'direct'),
  field('household.regime', 'household', 'caf', 'choice', 'request', { choices: REGIMES }),
  field('household.allocataire_number', 'household', 'caf', 'text', 'request', { maxLength: 20 }),
  field('household.quotient_familial', 'household', 'quotient', 'integer', 'request'),
  field('household.quotient_familial_date', 'household', 'quotient', 'date', 'request'),
  field('household.tax_dependents', 'household', 'tax', 'integer', 'request'),
  field('household.tax_reference_income_cents', 'household', 'tax', 'euros', 'request'),
  field('household.account_holder', 'household', 'bank', 'text', 'request'),
  field('household.iban', 'household', 'bank', 'iban', 'request'),
  field('household.bic', 'household', 'bank', 'bic', 'request'),
  field('household.direct_debit_requested', 'household', 'bank', 'boolean', 'request'),

  field('adult.civility', 'adult', 'identity', 'choice', 'request', { choices: CIVILITIES }),
  field('adult.first_name', 'adult', 'identity', 'text', 'request', { required: true, maxLength: 100 }),
  field('adult.last_name', 'adult', 'identity', 'text', 'request', { required: true, maxLength: 100 }),
  field('adult.marital_status', 'adult', 'identity', 'choice', 'request', { choices: MARITAL_STATUSES }),
  field('adult.email', 'adult', 'contact', 'email', 'request', { alwaysRequest: true }),
  field('adult.mobile_phone', 'adult', 'contact', 'phone', 'direct'),
  field('adult.home_phone', 'adult', 'contact', 'phone', 'direct'),
  field('adult.work_phone', 'adult', 'contact', 'phone', 'direct'),
  field('adult.address_line1', 'adult', 'contact', 'text', 'request'),
  field('adult.postcode', 'adult', 'contact', 'postcode', 'request'),
  field('adult.city', 'adult', 'contact', 'text', 'request'),
  field('adult.profession', 'adult', 'work', 'text', 'direct'),
  field('adult.employer', 'adult', 'work', 'text', 'direct'),
  field('adult.consent_email', 'adult', 'consent', 'boolean', 'direct'),
  field('adult.consent_sms', 'adult', 'consent', 'boolean', 'direct'),

  field('child.first_name', 'child', 'child_identity', 'text', 'request', { required: true, maxLength: 100 }),
  field('child.last_name', 'child', 'child_identity', 'text', 'request', { required: true, maxLength: 100 }),
  field('child.birth_date', 'child', 'child_identity', 'date', 'request', { required: true }),
  field('child.sex', 'child', 'child_identity', 'choice', 'request', { choices: SEXES }),
  field('child.school', 'child', 'schooling', 'text', 'request'),
  field('child.class_level', 'child', 'schooling', 'choice', 'request', { choices: CLASS_LEVELS }),
  field('child.allergies', 'child', 'health', 'longtext', 'request'),
  field('child.pai', 'child', 'health', 'boolean', 'request'),
  field('child.pai_details', 'child', 'health', 'longtext', 'request'),
  field('child.diet', 'child', 'health', 'text', 'request'),
  field('child.doctor_name', 'child', 'health', 'text', 'request'),
  field('child.doctor_phone', 'child', 'health', 'phone', 'request'),
  field('child.vaccinations_up_to_date', 'child', 'health', 'boolean', 'request'),
  field('child.vaccination_notes', 'child', 'health', 'longtext', 'request'),
  field('child.glasses', 'child', 'health', 'boolean', 'request'),
  field('child.health_notes', 'child', 'health', 'longtext', 'request'),
  field('child.image_consent', 'child', 'authorisations', 'boolean', 'request'),
];

export const RECORD_FIELDS: readonly RecordField[] = FIELDS;

/** The key of a field of the registry: `field.<key>` labels, which the compiler can check. */
export type FieldKey = (typeof FIELDS)[number]['key'];

const BY_KEY = new Map<string, RecordField>(RECORD_FIELDS.map((f) => [f.key, f]));

/** Whether a key (of a stored request, a form) names a field of the registry. */
export function isFieldKey(key: string): key is FieldKey {
  return BY_KEY.has(key);
}

export function recordField(key: string): RecordField | undefined {
  return BY_KEY.get(key);
}

const POSITION = new Map(RECORD_FIELDS.map((f, index) => [f.key, index]));

/**
 * A request's fields (`{ 'child.first_name': … }`) in the record's order, as the forms show them:
 * stored as JSONB, they come back shortest key first ("Sexe, Nom, Prénom").
 */
export function inRecordOrder<T>(values: Record<string, T>): [string, T][] {
  const position = (key: string) => POSITION.get(key) ?? Number.MAX_SAFE_INTEGER;
  return Object.entries(values).sort(([a], [b]) => position(a) - position(b));
}

export function fieldsOf(section: RecordSection): RecordField[] {
  return RECORD_FIELDS.filter((f) => f.section === section);
}

/** Whether the tenant lets families change this field at once, or asks for staff's approval. */
export function policyOf(recordFieldDef: RecordField, settings: TenantSettings): FieldPolicy {
  if (recordFieldDef.alwaysRequest) return 'request';
  return settings.fieldPolicies?.[recordFieldDef.key] ?? recordFieldDef.defaultPolicy;
}

/** The oldest a child may be, in years, unless the tenant says otherwise. */
export const DEFAULT_MAX_CHILD_AGE = 18;

export interface CheckContext {
  /** Today in the tenant's time zone, YYYY-MM-DD. */
  today: string;
  maxChildAge: number;
}

export type StoredValue = string | number | boolean | null;

/** Checks what a person typed for one field and turns it into the stored value. */
export function checkFieldValue(def: RecordField, raw: string | undefined, context: CheckContext): FieldCheck<StoredValue> {
  const text = raw ?? '';
  if (def.required && text.trim() === '' && def.kind !== 'boolean') return { ok: false, error: 'required' };
  switch (def.kind) {
    case 'text':
      return optional(text, def.maxLength ?? 200);
    case 'longtext':
      return optional(text, def.maxLength ?? 2000);
    case 'email':
      return text.trim() === '' ? { ok: true, value: null } : email(text);
    case 'phone':
      return phone(text);
    case 'postcode':
      return postcode(text);
    case 'iban':
      return iban(text);
    case 'bic':
      return bic(text);
    case 'euros':
      return euros(text);
    case 'integer':
      return def.key === 'household.quotient_familial' ? integer(text, 0, 100_000) : integer(text, 0, 20);
    case 'boolean':
      return { ok: true, value: text === 'true' || text === 'on' || text === '1' };
    case 'choice':
      if (text === '') return { ok: true, value: null };
      return def.choices?.includes(text) ? { ok: true, value: text } : { ok: false, error: 'choice' };
    case 'date': {
      const checked = calendarDate(text, {
        notAfter: def.key === 'child.birth_date' || def.key === 'household.quotient_familial_date' ? context.today : undefined,
      });
      if (!checked.ok || checked.value === null || def.key !== 'child.birth_date') return checked;
      return isOlderThan(checked.value, context.today, context.maxChildAge) ? { ok: false, error: 'tooOld' } : checked;
    }
  }
}

/** Age in whole years on `today`, from YYYY-MM-DD dates. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

function isOlderThan(birthDate: string, today: string, years: number): boolean {
  return ageOn(birthDate, today) >= years;
}

/** Two stored values are the same change-wise (empty text and null are the same). */
export function sameValue(a: StoredValue | undefined, b: StoredValue | undefined): boolean {
  const norm = (value: StoredValue | undefined) => (value === '' || value === undefined ? null : value);
  return norm(a) === norm(b);
}
