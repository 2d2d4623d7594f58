import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { countKey, periodKey, type MessageKey } from '../../i18n/catalogue.js';
import { MAX_ATTENDANCE_DAYS } from '../../modules/billing/attendance-request.js';
import { activityPlaces, enrollmentBookings, type EnrollmentBooking } from '../../modules/bookings/enrollment-bookings.js';
import { householdEnrollment, type HouseholdEnrollment } from '../../modules/bookings/enrollments.js';
import { addDays, formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { PAGES } from '../../modules/page-paths.js';
import { householdRequirements, type Requirement } from '../../modules/document-space/requested-documents.js';
import { chooseShuttle, shuttleChoiceOf, type ChoiceError, type ChoiceField, type ShuttleChoice } from '../../modules/shuttles/shuttle-choices.js';
import { shuttleStops, type ShuttleStop } from '../../modules/shuttles/shuttle-stops.js';
import { BookingStatusBadge } from '../components/booking-status.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { Facts } from '../components/facts.js';
import { RequirementStatus, requirementTitle } from '../components/required-documents.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formList, formValues, Id, Text, type FormInput } from '../page-input.js';
import { CERTIFICATES_PATH } from './certificates-routes.js';

/**
 * One inscription of the household (seed 002's "Mes inscriptions"): its dates, group and state,
 * and its sections, each a page of its own so that they work without JavaScript — the child's
 * bookings of the activity, its days on the waiting list, its shuttle, the activity's information
 * and the enrollment certificate.
 */

/** Each enrollment state with its own icon and word. */
export const ENROLLMENT_TONES: Record<string, BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error', withdrawn: 'info' };

const SECTIONS = ['reservations', 'liste-attente', 'navettes', 'informations', 'attestation'] as const;
type Section = (typeof SECTIONS)[number];

const SECTION_TITLES: Record<Section, MessageKey> = {
  reservations: 'inscription.section.bookings',
  'liste-attente': 'inscription.section.waitlist',
  navettes: 'inscription.section.shuttles',
  informations: 'inscription.section.information',
  attestation: 'inscription.section.certificate',
};

const EnrollmentParams = Type.Object({ id: Id });
const SectionParams = Type.Object({
  id: Id,
  section: Type.Union([Type.Literal('liste-attente'), Type.Literal('navettes'), Type.Literal('informations'), Type.Literal('attestation')]),
});
const SavedQuery = Type.Object({ enregistre: Type.Optional(Text) });

/** The shuttle form's field names, and the module's fields they carry. */
const SHUTTLE_FIELDS: Record<ChoiceField, string> = { morningStopId: 'matin', eveningStopId: 'soir', weekdays: 'jours' };

/** The address of an inscription's section; its bookings are the inscription's own address. */
export function enrollmentPath(enrollmentId: string, section: Section = 'reservations'): string {
  return section === 'reservations' ? `/inscriptions/${enrollmentId}` : `/inscriptions/${enrollmentId}/${section}`;
}

interface EnrollmentView {
  enrollment: HouseholdEnrollment;
  today: string;
  bookings: EnrollmentBooking[];
  places: Awaited<ReturnType<typeof activityPlaces>>;
  stops: ShuttleStop[];
  choice: ShuttleChoice | null;
  requirements: Requirement[];
}

interface ShuttleForm {
  values: { matin: string; soir: string; jours: string[] };
  errors: Partial<Record<ChoiceField, ChoiceError>>;
  /** The enrollment was refused or withdrawn meanwhile: its shuttle can no longer change. */
  closed: boolean;
}

export function familyEnrollmentPageRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const load = (request: FastifyRequest, enrollmentId: string) =>
      request.inScope(async (scope): Promise<EnrollmentView | null> => {
        const householdId = request.session!.account.householdId!;
        const enrollment = await householdEnrollment(scope, householdId, enrollmentId);
        if (!enrollment) return null;
        const requirements = (await householdRequirements(scope, householdId)) ?? [];
        return {
          enrollment,
          today: localDate(scope.now, request.tenant!.time_zone),
          bookings: await enrollmentBookings(scope, householdId, enrollment),
          places: await activityPlaces(scope, enrollment.activity_id),
          stops: await shuttleStops(scope, enrollment.activity_id),
          choice: await shuttleChoiceOf(scope, enrollment.id),
          // What the activity asks of the household, or of this child.
          requirements: requirements.filter(
            (requirement) =>
              requirement.activities.some((activity) => activity.id === enrollment.activity_id) &&
              (requirement.child === null || requirement.child.id === enrollment.child_id),
          ),
        };
      });

    const show = async (request: FastifyRequest, reply: FastifyReply, id: string, section: Section, shuttle?: ShuttleForm, saved = false) => {
      const view = await load(request, id);
      if (!view) return reply.callNotFound();
      const title = request.t('inscription.title', { child: view.enrollment.first_name, activity: view.enrollment.activity_name });
      return reply.page(
        `${request.t(SECTION_TITLES[section])} — ${title}`,
        <EnrollmentPage view={view} section={section} shuttle={shuttle} saved={saved} />,
        shuttle ? 400 : 200,
      );
    };

    app.get('/inscriptions/:id', { preHandler: requireFamily, schema: { params: EnrollmentParams } }, async (request, reply) =>
      show(request, reply, request.params.id, 'reservations'),
    );

    app.get('/inscriptions/:id/:section', { preHandler: requireFamily, schema: { params: SectionParams, querystring: SavedQuery } }, async (request, reply) =>
      show(request, reply, request.params.id, request.params.section, undefined, request.query.enregistre !== undefined),
    );

    app.post('/inscriptions/:id/navettes', { preHandler: requireFamily, schema: { params: EnrollmentParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const typed = typedShuttle(request.body);
      const result = await request.inScope((scope) =>
        chooseShuttle(scope, request.session!.account.householdId!, id, {
          morningStopId: typed.matin,
          eveningStopId: typed.soir,
          weekdays: typed.jours,
        }),
      );
      if (result.kind === 'not_found') return reply.callNotFound();
      if (result.kind === 'saved') return reply.redirect(`${request.base}${enrollmentPath(id, 'navettes')}?enregistre=1`);
      return show(request, reply, id, 'navettes', { values: typed, errors: result.kind === 'invalid' ? result.errors : {}, closed: result.kind === 'closed' });
    });
  };
}

function typedShuttle(body: FormInput): ShuttleForm['values'] {
  const { matin, soir } = formValues(body);
  return { matin: matin ?? '', soir: soir ?? '', jours: formList(body, 'jours') };
}

function EnrollmentPage(props: { view: EnrollmentView; section: Section; shuttle: ShuttleForm | undefined; saved: boolean }) {
  const page = usePage();
  const { t } = page;
  const { enrollment } = props.view;
  const dates = t(periodKey('inscription.dates', enrollment.starts_on, enrollment.ends_on), {
    from: formatCalendarDate(enrollment.starts_on),
    to: formatCalendarDate(enrollment.ends_on),
  });
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, '/inscriptions')}>
          {t('inscription.back')}
        </a>
      </p>
      <h1>{t('inscription.title', { child: enrollment.first_name, activity: enrollment.activity_name })}</h1>
      <Facts
        facts={[
          [t('inscription.dates'), dates],
          [t('enrollments.group'), enrollment.group_name ?? t('inscription.noGroup')],
          [
            t('enrollments.status'),
            <>
              <StatusBadge tone={ENROLLMENT_TONES[enrollment.status] ?? 'info'} label={`enrollment.status.${enrollment.status}`} />
              {enrollment.reason && <span class="fr-text--sm fr-ml-1w">{enrollment.reason}</span>}
            </>,
          ],
        ]}
      />
      <nav class="fr-my-3w" aria-label={t('inscription.sections')}>
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          {SECTIONS.map((section) => (
            <li key={section}>
              <a
                class={`fr-btn fr-btn--sm${section === props.section ? '' : ' fr-btn--tertiary'}`}
                href={href(page, enrollmentPath(enrollment.id, section))}
                aria-current={section === props.section ? 'page' : undefined}
              >
                {t(SECTION_TITLES[section])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{t(SECTION_TITLES[props.section])}</h2>
      {props.section === 'reservations' && <BookingsSection view={props.view} />}
      {props.section === 'liste-attente' && <WaitlistSection view={props.view} />}
      {props.section === 'navettes' && <ShuttleSection view={props.view} form={props.shuttle} saved={props.saved} />}
      {props.section === 'informations' && <InformationSection view={props.view} />}
      {props.section === 'attestation' && <CertificateSection view={props.view} />}
    </>
  );
}

/** A list of days of the activity: the day, the unit, the state in words (with the rank on a waiting list). */
function BookingTable(props: { caption: string; bookings: EnrollmentBooking[] }) {
  const { t } = usePage();
  return (
    <Table caption={props.caption} class="fr-mb-4w">
      <thead>
        <tr>
          <th scope="col">{t('inscription.day')}</th>
          <th scope="col">{t('inscription.unit')}</th>
          <th scope="col">{t('enrollments.status')}</th>
        </tr>
      </thead>
      <tbody>
        {props.bookings.map((booking) => (
          <tr key={booking.id}>
            <td>{formatCalendarDate(booking.day)}</td>
            <td>{booking.unitName}</td>
            <td>
              <BookingStatusBadge status={booking.status} rank={booking.waitlistRank} />
              {booking.reason && <p class="fr-text--sm fr-mb-0">{booking.reason}</p>}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function BookingsSection(props: { view: EnrollmentView }) {
  const page = usePage();
  const { t } = page;
  const { enrollment, bookings, today, places } = props.view;
  const upcoming = bookings.filter((booking) => booking.day >= today);
  const past = bookings.filter((booking) => booking.day < today).reverse();
  return (
    <>
      {places.length > 0 && (
        <div class="fr-callout fr-mb-3w">
          <p class="fr-callout__title">{t('inscription.places.title')}</p>
          <ul class="fr-callout__text fr-text--md">
            {places.map((pool, index) => (
              <li key={index}>
                {t(countKey('inscription.places.line', pool.places), {
                  places: pool.places,
                  group: pool.groupName ?? t('inscription.places.allGroups'),
                  units: pool.unitNames.join(', '),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {enrollment.status === 'accepted' && (
        <p>
          <ButtonLink href={href(page, `/reservations?enfant=${enrollment.child_id}&activite=${enrollment.activity_id}`)} icon="fr-icon-calendar-line">
            {t('inscription.book')}
          </ButtonLink>
        </p>
      )}
      {upcoming.length === 0 ? <p>{t('inscription.noUpcoming')}</p> : <BookingTable caption={t('inscription.upcoming')} bookings={upcoming} />}
      {past.length > 0 && <BookingTable caption={t('inscription.past')} bookings={past} />}
    </>
  );
}

function WaitlistSection(props: { view: EnrollmentView }) {
  const { t } = usePage();
  const waiting = props.view.bookings.filter((booking) => booking.day >= props.view.today && booking.status === 'waitlisted');
  return (
    <>
      <p>{t('inscription.waitlist.intro')}</p>
      {waiting.length === 0 ? <p>{t('inscription.waitlist.none')}</p> : <BookingTable caption={t('inscription.section.waitlist')} bookings={waiting} />}
    </>
  );
}

function ShuttleSection(props: { view: EnrollmentView; form: ShuttleForm | undefined; saved: boolean }) {
  const page = usePage();
  const { t } = page;
  const { enrollment, stops, choice } = props.view;
  if (stops.length === 0) return <p>{t('inscription.shuttle.noStops')}</p>;
  const live = enrollment.status === 'pending' || enrollment.status === 'accepted';
  const values = props.form?.values ?? {
    matin: choice?.morningStopId ?? '',
    soir: choice?.eveningStopId ?? '',
    jours: (choice?.weekdays ?? []).map(String),
  };
  const messages = shuttleMessages(t, props.form?.errors ?? {});
  const labels = { matin: t('inscription.shuttle.morning'), soir: t('inscription.shuttle.evening'), jours: t('inscription.shuttle.days') };
  const stopName = (id: string | null, time: (stop: ShuttleStop) => string | null) => {
    const stop = stops.find((candidate) => candidate.id === id);
    return stop ? t('inscription.shuttle.stopAt', { stop: stop.name, time: time(stop) ?? '' }) : t('inscription.shuttle.none');
  };
  const weekdayName = (day: number) => t(`setup.weekday.${day}` as MessageKey);
  return (
    <>
      {props.saved && (
        <Alert kind="success" small announce>
          {t('inscription.shuttle.saved')}
        </Alert>
      )}
      {props.form?.closed && (
        <Alert kind="error" small announce>
          {t('inscription.shuttle.closed')}
        </Alert>
      )}
      <p>{t('inscription.shuttle.intro')}</p>
      <Facts
        facts={[
          [t('inscription.shuttle.morning'), stopName(choice?.morningStopId ?? null, (stop) => stop.morningTime)],
          [t('inscription.shuttle.evening'), stopName(choice?.eveningStopId ?? null, (stop) => stop.eveningTime)],
          [t('inscription.shuttle.days'), choice ? choice.weekdays.map(weekdayName).join(', ') : t('inscription.shuttle.none')],
        ]}
      />
      {live ? (
        <>
          <h3 class="fr-mt-3w">{t('inscription.shuttle.change')}</h3>
          <ErrorSummary errors={messages} labels={labels} />
          <form method="post" action={href(page, enrollmentPath(enrollment.id, 'navettes'))} novalidate>
            <CsrfField />
            <Select
              name="matin"
              label={labels.matin}
              value={values.matin}
              error={messages.matin}
              options={[
                { value: '', label: t('inscription.shuttle.none') },
                ...stops
                  .filter((stop) => stop.morningTime)
                  .map((stop) => ({ value: stop.id, label: t('inscription.shuttle.stopAt', { stop: stop.name, time: stop.morningTime! }) })),
              ]}
            />
            <Select
              name="soir"
              label={labels.soir}
              value={values.soir}
              error={messages.soir}
              options={[
                { value: '', label: t('inscription.shuttle.none') },
                ...stops
                  .filter((stop) => stop.eveningTime)
                  .map((stop) => ({ value: stop.id, label: t('inscription.shuttle.stopAt', { stop: stop.name, time: stop.eveningTime! }) })),
              ]}
            />
            <ChoiceGroup
              type="checkbox"
              name="jours"
              legend={labels.jours}
              choices={enrollment.weekdays.map((day) => ({ value: String(day), label: weekdayName(day) }))}
              chosen={values.jours}
              error={messages.jours}
            />
            <Button icon="fr-icon-save-line">{t('inscription.shuttle.save')}</Button>
          </form>
        </>
      ) : (
        <p>{t('inscription.shuttle.notLive')}</p>
      )}
    </>
  );
}

/** The module's error codes as sentences, under the form's field names. */
function shuttleMessages(t: ReturnType<typeof usePage>['t'], errors: Partial<Record<ChoiceField, ChoiceError>>): Record<string, string | undefined> {
  const messages: Record<string, string | undefined> = {};
  for (const [field, error] of Object.entries(errors) as [ChoiceField, ChoiceError][])
    messages[SHUTTLE_FIELDS[field]] = t(error === 'weekdaysNone' ? 'inscription.shuttle.error.days' : 'inscription.shuttle.error.stop');
  return messages;
}

function InformationSection(props: { view: EnrollmentView }) {
  const page = usePage();
  const { t, tenant } = page;
  const { enrollment, requirements } = props.view;
  const contact = [tenant?.contact_name, tenant?.contact_phone, tenant?.contact_email].filter(Boolean).join(' — ');
  return (
    <>
      <Facts
        facts={[
          [t('enrollments.activity'), enrollment.activity_name],
          ...(enrollment.description ? [[t('inscription.info.description'), enrollment.description] as [string, string]] : []),
          [
            t('inscription.info.site'),
            enrollment.site_name ? [enrollment.site_name, enrollment.site_address].filter(Boolean).join(', ') : t('inscription.info.noSite'),
          ],
          [t('enrollments.group'), enrollment.group_name ?? t('inscription.noGroup')],
          [t('inscription.info.contact'), contact || t('inscription.info.noContact')],
          [t('inscription.info.requestedOn'), page.fmt.shortDate(enrollment.created_at)],
        ]}
      />
      <h3 class="fr-mt-3w">{t('inscription.info.documents')}</h3>
      {requirements.length === 0 && !enrollment.documents_required ? (
        <p>{t('inscription.info.noDocuments')}</p>
      ) : (
        <>
          {enrollment.documents_required && <p>{t('enrollments.documents', { documents: enrollment.documents_required })}</p>}
          {requirements.length > 0 && (
            <ul>
              {requirements.map((requirement) => (
                <li key={`${requirement.typeId}-${requirement.child?.id ?? ''}`}>
                  {requirementTitle(t, requirement)} : <RequirementStatus state={requirement.state} />
                </li>
              ))}
            </ul>
          )}
          <p>
            <a class="fr-link" href={href(page, PAGES.documents)}>
              {t('inscription.info.sendDocuments')}
            </a>
          </p>
        </>
      )}
    </>
  );
}

/**
 * The certificate of enrollment is billing's certificate of enrollment and attendance, over the
 * activity's days (at most the year one certificate covers): given once the enrollment is accepted.
 */
function CertificateSection(props: { view: EnrollmentView }) {
  const page = usePage();
  const { t } = page;
  const { enrollment } = props.view;
  if (enrollment.status !== 'accepted') return <p>{t('inscription.certificate.notYet')}</p>;
  const to = [enrollment.ends_on, addDays(enrollment.starts_on, MAX_ATTENDANCE_DAYS - 1)].sort()[0]!;
  const link = `${CERTIFICATES_PATH}/presence?enfant=${enrollment.child_id}&du=${enrollment.starts_on}&au=${to}`;
  return (
    <>
      <p>{t('inscription.certificate.intro')}</p>
      <p>
        <ButtonLink href={href(page, link)} icon="fr-icon-download-line">
          {t('inscription.certificate.download')}
        </ButtonLink>
      </p>
    </>
  );
}
