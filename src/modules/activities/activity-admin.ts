import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { optional, required } from '../validation/fields.js';
import type { ActivityKind, Opening, ValidationMode, WaitlistMode } from './activities.tables.js';
import { loadActivityDefinition, type ActivityDefinition } from './activity-definitions.js';
import { createActivity } from './activity-setup.js';
import { deadlinePreview, type DeadlinePreviewDay, type PreviewCalendar } from './deadline-preview.js';
import type { DeadlineRule } from './deadlines.js';
import {
  choice,
  deadlineFields,
  deadlineRule,
  list,
  requiredDate,
  tenantToday,
  text,
  weekdayList,
  wholeNumber,
  type DeadlineField,
  type SaveResult,
  type SetupErrors,
  type SetupForm,
} from './setup-forms.js';
import { may } from '../access.js';

/** Activities as staff set them up: what they are, where, when they open, their modes and deadlines. */

export const ACTIVITY_KINDS = ['canteen', 'periscolaire', 'alsh_wednesday', 'alsh_holidays', 'shuttle', 'other'] as const satisfies readonly ActivityKind[];
export const OPENINGS = ['school_days', 'holidays', 'all'] as const satisfies readonly Opening[];
export const VALIDATION_MODES = ['automatic', 'manual'] as const satisfies readonly ValidationMode[];
export const WAITLIST_MODES = ['automatic', 'offer', 'manual'] as const satisfies readonly WaitlistMode[];

export type ActivityField =
  | 'name'
  | 'kind'
  | 'siteId'
  | 'description'
  | 'startsOn'
  | 'endsOn'
  | 'weekdays'
  | 'opening'
  | 'validationMode'
  | 'waitlistMode'
  | 'offerHours'
  | 'requiresEnrollment'
  | 'showPlacesLeft'
  | 'documentsRequired'
  | DeadlineField<'booking'>
  | DeadlineField<'cancel'>;

export interface ActivityListItem {
  id: string;
  name: string;
  kind: ActivityKind;
  siteName: string | null;
  startsOn: string;
  endsOn: string;
  validationMode: ValidationMode;
  waitlistMode: WaitlistMode;
  offerHours: number;
}

export async function listActivities(scope: Scope): Promise<ActivityListItem[]> {
  if (!may(scope, 'service.read')) return [];
  return scope.tx
    .selectFrom('activities as a')
    .leftJoin('sites as s', 's.id', 'a.site_id')
    .select([
      'a.id',
      'a.name',
      'a.kind',
      's.name as siteName',
      'a.starts_on as startsOn',
      'a.ends_on as endsOn',
      'a.validation_mode as validationMode',
      'a.waitlist_mode as waitlistMode',
      'a.offer_hours as offerHours',
    ])
    .orderBy('a.starts_on', 'desc')
    .orderBy('a.name')
    .execute();
}

/** An activity with everything set up under it, and the name of its site. */
export async function getActivitySetup(scope: Scope, id: string): Promise<(ActivityDefinition & { siteName: string | null }) | null> {
  if (!may(scope, 'service.read')) return null;
  const definition = await loadActivityDefinition(scope.tx, id);
  if (!definition) return null;
  const site = definition.activity.site_id
    ? await scope.tx.selectFrom('sites').select('name').where('id', '=', definition.activity.site_id).executeTakeFirst()
    : undefined;
  return { ...definition, siteName: site?.name ?? null };
}

/** The stored activity as its form's fields. */
export function activityFormValues(activity: ActivityDefinition['activity']): Record<string, string | string[]> {
  return {
    name: activity.name,
    kind: activity.kind,
    siteId: activity.site_id ?? '',
    description: activity.description ?? '',
    startsOn: activity.starts_on,
    endsOn: activity.ends_on,
    weekdays: activity.weekdays.map(String),
    opening: activity.opening,
    validationMode: activity.validation_mode,
    waitlistMode: activity.waitlist_mode,
    offerHours: String(activity.offer_hours),
    requiresEnrollment: String(activity.requires_enrollment),
    showPlacesLeft: String(activity.show_places_left),
    documentsRequired: activity.documents_required ?? '',
    ...deadlineFields('booking', activity.booking_deadline),
    ...deadlineFields('cancel', activity.cancellation_deadline),
  };
}

export interface ActivityValues {
  name: string;
  kind: ActivityKind;
  site_id: string | null;
  description: string | null;
  starts_on: string;
  ends_on: string;
  weekdays: number[];
  opening: Opening;
  validation_mode: ValidationMode;
  waitlist_mode: WaitlistMode;
  offer_hours: number;
  requires_enrollment: boolean;
  show_places_left: boolean;
  documents_required: string | null;
  booking_deadline: DeadlineRule;
  cancellation_deadline: DeadlineRule;
}

/**
 * Reads an activity's form. Whatever else is wrong, the parts the deadline preview needs (dates,
 * weekdays, opening, both rules) are returned when they are right, so the preview can still show.
 */
export async function checkActivityForm(scope: Scope, form: SetupForm, current?: { offer_hours: number }) {
  const errors: SetupErrors<ActivityField> = {};
  const name = required(text(form, 'name'), 200);
  if (!name.ok) errors.name = name.error;
  const kind = choice(text(form, 'kind'), ACTIVITY_KINDS);
  if (!kind.ok) errors.kind = kind.error;
  let siteId: string | null = null;
  const site = (text(form, 'siteId') ?? '').trim();
  if (site !== '') {
    const found = /^[0-9a-f-]{36}$/i.test(site)
      ? await scope.tx.selectFrom('sites').select('id').where('id', '=', site.toLowerCase()).executeTakeFirst()
      : undefined;
    if (found) siteId = found.id;
    else errors.siteId = 'choice';
  }
  const description = optional(text(form, 'description'), 2000);
  if (!description.ok) errors.description = description.error;
  const startsOn = requiredDate(text(form, 'startsOn'));
  if (!startsOn.ok) errors.startsOn = startsOn.error;
  const endsOn = requiredDate(text(form, 'endsOn'));
  if (!endsOn.ok) errors.endsOn = endsOn.error;
  else if (startsOn.ok && endsOn.value < startsOn.value) errors.endsOn = 'dateOrder';
  const weekdays = weekdayList(list(form, 'weekdays'));
  if (!weekdays.ok) errors.weekdays = weekdays.error;
  const opening = choice(text(form, 'opening'), OPENINGS);
  if (!opening.ok) errors.opening = opening.error;
  const validationMode = choice(text(form, 'validationMode'), VALIDATION_MODES);
  if (!validationMode.ok) errors.validationMode = validationMode.error;
  const waitlistMode = choice(text(form, 'waitlistMode'), WAITLIST_MODES);
  if (!waitlistMode.ok) errors.waitlistMode = waitlistMode.error;
  let offerHours = current?.offer_hours ?? 48;
  if (waitlistMode.ok && waitlistMode.value === 'offer') {
    const hours = wholeNumber(text(form, 'offerHours'), 1, 720);
    if (!hours.ok) errors.offerHours = hours.error;
    else if (hours.value === null) errors.offerHours = 'required';
    else offerHours = hours.value;
  }
  const requiresEnrollment = choice(text(form, 'requiresEnrollment'), ['true', 'false'] as const);
  if (!requiresEnrollment.ok) errors.requiresEnrollment = requiresEnrollment.error;
  // Not answered: the places left stay the service's to know, as before the question existed.
  const showPlacesLeft = choice(text(form, 'showPlacesLeft') ?? 'false', ['true', 'false'] as const);
  if (!showPlacesLeft.ok) errors.showPlacesLeft = showPlacesLeft.error;
  const documents = optional(text(form, 'documentsRequired'), 2000);
  if (!documents.ok) errors.documentsRequired = documents.error;
  const booking = deadlineRule(form, 'booking', { allowSame: false });
  if (!booking.ok) Object.assign(errors, booking.errors);
  const cancellation = deadlineRule(form, 'cancel', { allowSame: false });
  if (!cancellation.ok) Object.assign(errors, cancellation.errors);

  const preview =
    startsOn.ok && endsOn.ok && !errors.endsOn && weekdays.ok && opening.ok && booking.ok && booking.value && cancellation.ok && cancellation.value
      ? {
          startsOn: startsOn.value,
          endsOn: endsOn.value,
          weekdays: weekdays.value,
          opening: opening.value,
          siteId,
          booking: booking.value,
          cancellation: cancellation.value,
        }
      : null;
  if (Object.keys(errors).length > 0) return { ok: false as const, errors, preview };
  const values: ActivityValues = {
    name: (name as { value: string }).value,
    kind: (kind as { value: ActivityKind }).value,
    site_id: siteId,
    description: (description as { value: string | null }).value,
    starts_on: preview!.startsOn,
    ends_on: preview!.endsOn,
    weekdays: preview!.weekdays,
    opening: preview!.opening,
    validation_mode: (validationMode as { value: ValidationMode }).value,
    waitlist_mode: (waitlistMode as { value: WaitlistMode }).value,
    offer_hours: offerHours,
    requires_enrollment: (requiresEnrollment as { value: string }).value === 'true',
    show_places_left: (showPlacesLeft as { value: string }).value === 'true',
    documents_required: (documents as { value: string | null }).value,
    booking_deadline: preview!.booking,
    cancellation_deadline: preview!.cancellation,
  };
  return { ok: true as const, values, preview: preview! };
}

/** Creates an activity (`id` null) or changes one. */
export async function saveActivity(scope: Scope, id: string | null, form: SetupForm): Promise<SaveResult<ActivityField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const before = id ? await scope.tx.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (id && !before) return { kind: 'not_found' };
  const checked = await checkActivityForm(scope, form, before);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const { values } = checked;
  if (!id) return { kind: 'saved', id: await createActivity(scope, values) };
  await scope.tx
    .updateTable('activities')
    .set({ ...values, booking_deadline: JSON.stringify(values.booking_deadline), cancellation_deadline: JSON.stringify(values.cancellation_deadline) })
    .where('id', '=', id)
    .execute();
  const { id: _id, tenant_id: _tenant, ...previous } = before!;
  await recordAudit(scope, { action: 'activity.updated', objectType: 'activity', objectId: id, details: { before: previous, after: values } });
  return { kind: 'saved', id };
}

/** The fields the deadline preview reads; on a preview only their errors are shown. */
export const PREVIEW_FIELDS: readonly ActivityField[] = [
  'startsOn',
  'endsOn',
  'weekdays',
  'opening',
  'bookingType',
  'bookingDays',
  'bookingWeekday',
  'bookingMonthDay',
  'bookingTime',
  'cancelType',
  'cancelDays',
  'cancelWeekday',
  'cancelMonthDay',
  'cancelTime',
];

/**
 * The deadlines the form's rules give for the activity's next open days (from today), or null
 * with the errors of the fields the preview needs when they are not right.
 */
export async function previewActivityDeadlines(
  scope: Scope,
  calendar: PreviewCalendar,
  activityId: string | null,
  form: SetupForm,
): Promise<{ days: DeadlinePreviewDay[] | null; errors: SetupErrors<ActivityField> }> {
  if (!may(scope, 'service.read')) return { days: null, errors: {} };
  const checked = await checkActivityForm(scope, form);
  const errors = checked.ok ? {} : checked.errors;
  if (!checked.preview) return { days: null, errors };
  const { timeZone, today } = await tenantToday(scope);
  const { preview } = checked;
  const days = deadlinePreview(
    {
      opening: {
        activityId: activityId ?? '',
        siteId: preview.siteId,
        startsOn: preview.startsOn,
        endsOn: preview.endsOn,
        opening: preview.opening,
        weekdays: preview.weekdays,
      },
      booking: preview.booking,
      cancellation: preview.cancellation,
    },
    calendar,
    timeZone,
    today,
  );
  return { days, errors };
}
