import { sql } from 'kysely';
import { may } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import { bumpCalendarVersion } from '../calendar/calendar-store.js';
import { MINISTRY_ZONES, normalizeZone } from '../calendar/ministry-calendar-csv.js';
import { isPublicHolidayRegion } from '../calendar/public-holidays.js';
import { seedSchoolHolidays } from '../calendar/school-holidays.js';
import { UNKNOWN_SCHOOL_YEAR_CHOICES, unknownSchoolYearBookingsOf, type UnknownSchoolYearBookings } from '../calendar/school-years.js';
import { ABSENCE_LATE_DAYS } from '../bookings/absences.js';
import type { Scope } from '../scope.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { email, type FieldCheck, type FieldError, integer, optional, phone, required } from '../validation/fields.js';

/**
 * What an administrator says of the authority itself: its name and how families reach the service
 * (the contact block of every page), its website, its own legal mentions, the name its emails are
 * sent under, where it is (time zone, school-holiday zone, public holidays), what families may
 * book while a school year's holidays are not imported, and how long after a day they may still
 * declare an absence for it.
 */

export const PROFILE_FIELDS = [
  'name',
  'contactName',
  'contactAddress',
  'contactPhone',
  'contactEmail',
  'contactHours',
  'websiteUrl',
  'emailSenderName',
  'legalNotice',
  'timeZone',
  'schoolZone',
  'publicHolidayRegion',
  'unknownSchoolYearBookings',
  'absenceLateDays',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type ProfileValues = Record<ProfileField, string>;

/** The time zones of France and its overseas authorities. */
export const AUTHORITY_TIME_ZONES = [
  'Europe/Paris',
  'America/Guadeloupe',
  'America/Martinique',
  'America/Cayenne',
  'Indian/Reunion',
  'Indian/Mayotte',
  'America/Miquelon',
  'Pacific/Noumea',
  'Pacific/Tahiti',
  'Pacific/Wallis',
] as const;

/** The school-holiday zones as the authority's row stores them ('A' for the ministry's "Zone A"). */
export const SCHOOL_ZONES: readonly string[] = MINISTRY_ZONES.map(normalizeZone);

export type ProfileError = FieldError | 'url';

/** The most days after an absence a family may be let declare it: a year. */
export const MAX_ABSENCE_LATE_DAYS = 365;

export type SaveProfileResult =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; errors: Partial<Record<ProfileField, ProfileError>> }
  | { kind: 'saved'; changed: ProfileField[]; holidayPeriodsAdded: number };

/** The authority's profile as its form shows it. */
export async function authorityProfile(scope: Scope): Promise<ProfileValues> {
  const row = await scope.tx.selectFrom('tenants').selectAll().where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  return {
    name: row.name,
    contactName: row.contact_name ?? '',
    contactAddress: row.contact_address ?? '',
    contactPhone: row.contact_phone ?? '',
    contactEmail: row.contact_email ?? '',
    contactHours: row.contact_hours ?? '',
    websiteUrl: row.website_url ?? '',
    emailSenderName: row.settings.emailSenderName ?? '',
    legalNotice: row.settings.legalNotice ?? '',
    timeZone: row.time_zone,
    schoolZone: normalizeZone(row.school_zone),
    publicHolidayRegion: row.public_holiday_region ?? '',
    unknownSchoolYearBookings: unknownSchoolYearBookingsOf(row.settings),
    absenceLateDays: String(row.settings.absenceLateDays ?? ABSENCE_LATE_DAYS),
  };
}

/** An http(s) address, or nothing. */
function webAddress(raw: string | undefined): FieldCheck<string | null> | { ok: false; error: 'url' } {
  const text = optional(raw, 300);
  if (!text.ok || text.value === null) return text;
  try {
    const url = new URL(text.value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? { ok: true, value: url.href } : { ok: false, error: 'url' };
  } catch {
    return { ok: false, error: 'url' };
  }
}

/** The settings with these texts set, or removed where emptied. */
function withTexts(settings: TenantSettings, texts: Record<'emailSenderName' | 'legalNotice', string | null>): TenantSettings {
  const next = { ...settings };
  for (const [key, text] of Object.entries(texts) as [keyof typeof texts, string | null][]) {
    if (text === null) delete next[key];
    else next[key] = text;
  }
  return next;
}

/** A number of days typed, required, from 0 to `max`. */
function dayCount(raw: string | undefined, max: number): FieldCheck {
  const days = integer(raw, 0, max);
  if (!days.ok) return days;
  return days.value === null ? { ok: false, error: 'required' } : { ok: true, value: String(days.value) };
}

function choice(raw: string | undefined, allowed: readonly string[]): FieldCheck {
  const value = (raw ?? '').trim();
  return allowed.includes(value) ? { ok: true, value } : { ok: false, error: 'choice' };
}

/**
 * Checks and saves the profile in one go (nothing is saved while a field is wrong). A new school
 * zone gets its holidays from the shipped snapshot where it has them; a new zone or public-holiday
 * region makes every process rebuild the authority's calendar.
 */
export async function saveAuthorityProfile(scope: Scope, form: Partial<Record<string, string>>): Promise<SaveProfileResult> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const contactEmail = (form.contactEmail ?? '').trim() === '' ? ({ ok: true, value: null } as const) : email(form.contactEmail);
  const region = (form.publicHolidayRegion ?? '').trim().toUpperCase();
  const checks = {
    name: required(form.name, 120),
    contactName: optional(form.contactName, 120),
    contactAddress: optional(form.contactAddress, 300),
    contactPhone: phone(form.contactPhone),
    contactEmail,
    contactHours: optional(form.contactHours, 200),
    websiteUrl: webAddress(form.websiteUrl),
    emailSenderName: optional(form.emailSenderName, 80),
    legalNotice: optional(form.legalNotice, 4000),
    timeZone: choice(form.timeZone, AUTHORITY_TIME_ZONES),
    schoolZone: choice(form.schoolZone, SCHOOL_ZONES),
    publicHolidayRegion: isPublicHolidayRegion(region)
      ? ({ ok: true, value: region === '' ? null : region } as const)
      : ({ ok: false, error: 'choice' } as const),
    unknownSchoolYearBookings: choice(form.unknownSchoolYearBookings, UNKNOWN_SCHOOL_YEAR_CHOICES),
    absenceLateDays: dayCount(form.absenceLateDays, MAX_ABSENCE_LATE_DAYS),
  } satisfies Record<ProfileField, FieldCheck<string | null> | { ok: false; error: 'url' }>;
  const errors: Partial<Record<ProfileField, ProfileError>> = {};
  for (const field of PROFILE_FIELDS) {
    const check = checks[field];
    if (!check.ok) errors[field] = check.error;
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const value = (field: ProfileField) => (checks[field] as { ok: true; value: string | null }).value;

  const before = await authorityProfile(scope);
  const { settings } = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).forUpdate().executeTakeFirstOrThrow();
  await scope.tx
    .updateTable('tenants')
    .set({
      name: value('name')!,
      contact_name: value('contactName'),
      contact_address: value('contactAddress'),
      contact_phone: value('contactPhone'),
      contact_email: value('contactEmail'),
      contact_hours: value('contactHours'),
      website_url: value('websiteUrl'),
      time_zone: value('timeZone')!,
      school_zone: value('schoolZone')!,
      public_holiday_region: value('publicHolidayRegion'),
      settings: sql`${JSON.stringify({
        ...withTexts(settings, { emailSenderName: value('emailSenderName'), legalNotice: value('legalNotice') }),
        unknownSchoolYearBookings: value('unknownSchoolYearBookings') as UnknownSchoolYearBookings,
        absenceLateDays: Number(value('absenceLateDays')),
      })}::jsonb`,
    })
    .where('id', '=', scope.tenantId)
    .execute();
  const after = await authorityProfile(scope);
  const changed = PROFILE_FIELDS.filter((field) => before[field] !== after[field]);
  let holidayPeriodsAdded = 0;
  if (changed.includes('schoolZone')) holidayPeriodsAdded = await seedSchoolHolidays(scope.tx, scope.tenantId, after.schoolZone);
  if (changed.includes('schoolZone') || changed.includes('publicHolidayRegion')) await bumpCalendarVersion(scope.tx, scope.tenantId);
  await journalChanges(scope, changed, before, after);
  return { kind: 'saved', changed, holidayPeriodsAdded };
}

/**
 * The journal says what changed: the details as one entry, and each booking rule in its own words
 * (which way families' bookings on an unknown school year went, the absences' new delay).
 */
async function journalChanges(scope: Scope, changed: ProfileField[], before: ProfileValues, after: ProfileValues): Promise<void> {
  const details = changed.filter((field) => field !== 'unknownSchoolYearBookings' && field !== 'absenceLateDays');
  if (details.length > 0) {
    await recordAudit(scope, {
      action: 'tenant.profile_changed',
      objectType: 'tenant',
      objectId: scope.tenantId,
      details: {
        old: Object.fromEntries(details.map((field) => [field, before[field]])),
        new: Object.fromEntries(details.map((field) => [field, after[field]])),
      },
    });
  }
  if (changed.includes('unknownSchoolYearBookings')) {
    await recordAudit(scope, {
      action: `tenant.unknown_school_year_${after.unknownSchoolYearBookings === 'open' ? 'opened' : 'closed'}`,
      objectType: 'tenant',
      objectId: scope.tenantId,
      details: { old: before.unknownSchoolYearBookings, new: after.unknownSchoolYearBookings },
    });
  }
  if (changed.includes('absenceLateDays')) {
    await recordAudit(scope, {
      action: 'tenant.absence_late_days_changed',
      objectType: 'tenant',
      objectId: scope.tenantId,
      details: { old: Number(before.absenceLateDays), new: Number(after.absenceLateDays) },
    });
  }
}
