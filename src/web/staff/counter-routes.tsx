import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ABSENCE_LATE_DAYS } from '../../modules/bookings/absences.js';
import type { BookingChoice } from '../../modules/bookings/booking-requests.js';
import { submissionAnswer } from '../../modules/bookings/booking-submissions.js';
import {
  bookAtCounter,
  cancelAtCounter,
  declareAbsenceAtCounter,
  enrollAtCounter,
  enrollmentChoices,
  type EnrollmentChoice,
} from '../../modules/bookings/counter.js';
import { cancellationPreview, planningDay, type PlanningDayView } from '../../modules/bookings/planning-day.js';
import { childPlanning, type PlanningDay } from '../../modules/bookings/planning.js';
import { addDays, lastDayOfMonth } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { childChoices, householdName } from '../../modules/households/household-overview.js';
import type { Services } from '../../services.js';
import { bookingContextOf } from '../booking-context.js';
import { dayLabel, monthName } from '../calendar-labels.js';
import { MonthNav } from '../components/month-nav.js';
import { AbsenceFields } from '../components/absence-fields.js';
import { BookingAnswersTable } from '../components/booking-answers.js';
import { BookingStatusBadge } from '../components/booking-status.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import {
  BookedEntries,
  CancelConfirmation,
  ClosedUnits,
  DayBadges,
  DayBookingForm,
  PASS_DEADLINE_FIELD,
  type CancelPreview,
} from '../components/planning-day-forms.js';
import { absenceLimitsOf, absenceMessages, absenceRefusalText } from '../family/absence-routes.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { DAY, Day, Form, formList, formValues, Id, Text, UUID } from '../page-input.js';
import { useCanChange } from './staff-access.js';

/**
 * The counter ("Relais des enfants", seed 000): from a household's page, staff act for a family
 * that cannot use the portal, one child at a time — book, cancel, declare an absence, enroll —
 * through the family's own booking engine (modules/bookings/counter.ts). Read-only staff see the
 * page without its forms; their changes are refused (403) as every staff change.
 */

const ChildParams = Type.Object({ id: Id, childId: Id });
const BookingParams = Type.Object({ id: Id, childId: Id, bookingId: Id });

/**
 * The counter's address: the day shown (`jour`, today by default), the booking whose cancellation is
 * to confirm (`annuler`), the booking form just answered (`envoi`), what was just done (`fait`).
 */
const CounterQuery = Type.Object({
  jour: Type.Optional(Day),
  annuler: Type.Optional(Id),
  envoi: Type.Optional(Id),
  fait: Type.Optional(Text),
});

/** Notices the redirects write after a change (`fait`). */
const NOTICES = {
  vide: 'error',
  annulee: 'success',
  'annulation-demandee': 'success',
  'refus-deadline_passed': 'error',
  'refus-dependent_deadline_passed': 'error',
  'refus-not_cancellable': 'error',
  absence: 'success',
  inscrit: 'success',
  'deja-inscrit': 'error',
} as const;
type NoticeCode = keyof typeof NOTICES;

function isNotice(code: string | undefined): code is NoticeCode {
  return code !== undefined && Object.hasOwn(NOTICES, code);
}

/** The absence form's fields (the certificate is a file, web/multipart-form.ts). */
const AbsenceForm = Type.Object({
  du: Day,
  au: Type.Optional(Text),
  motif: Type.Optional(Text),
  precisions: Type.Optional(Text),
});

/** The counter page of a household's child. */
function counterPath(householdId: string, childId: string, query = ''): string {
  return `/gestion/foyers/${householdId}/enfants/${childId}/guichet${query ? `?${query}` : ''}`;
}

/** Whether staff ticked "passer outre le délai". */
function passesDeadline(body: Record<string, string | string[] | undefined>): boolean {
  return formValues(body)[PASS_DEADLINE_FIELD] === '1';
}

const CHOICE = new RegExp(`^${UUID}\\|${UUID}\\|${DAY}$`);

export function staffCounterRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/gestion/foyers/:id/enfants/:childId/guichet',
      { preHandler: requireStaff(), schema: { params: ChildParams, querystring: CounterQuery } },
      async (request, reply) => {
        const data = await loadCounter(services, request, request.params, request.query);
        if (!data) return reply.callNotFound();
        return reply.page(pageTitle(request, data), <CounterPage {...data} notice={isNotice(request.query.fait) ? request.query.fait : undefined} />);
      },
    );

    app.post(
      '/gestion/foyers/:id/enfants/:childId/guichet/reserver',
      { preHandler: requireStaff('manager'), schema: { params: ChildParams, body: Form } },
      async (request, reply) => {
        const { id, childId } = request.params;
        const form = formValues(request.body);
        const boxes = formList(request.body, 'choix');
        if (!form.activite || !/^[0-9a-f-]{36}$/i.test(form.activite) || boxes.some((box) => !CHOICE.test(box))) return reply.callNotFound();
        const choices = boxes.map(choiceOf);
        const day = choices[0]?.day ?? form.jour;
        if (choices.length === 0) return reply.redirect(`${request.base}${counterPath(id, childId, `${dayParam(day)}fait=vide`)}`);
        const tenant = request.tenant!;
        const outcome = await request.inScope(async (scope) =>
          bookAtCounter(scope, await bookingContextOf(services, scope, tenant), {
            householdId: id,
            childId,
            activityId: form.activite!,
            choices,
            passDeadline: passesDeadline(request.body),
          }),
        );
        if (outcome.kind === 'forbidden') return reply.errorPage('forbidden');
        if (outcome.kind === 'not_found') return reply.callNotFound();
        return reply.redirect(`${request.base}${counterPath(id, childId, `${dayParam(day)}envoi=${outcome.submissionId}`)}`, 303);
      },
    );

    app.post(
      '/gestion/foyers/:id/enfants/:childId/guichet/annuler/:bookingId',
      { preHandler: requireStaff('manager'), schema: { params: BookingParams, body: Form } },
      async (request, reply) => {
        const { id, childId, bookingId } = request.params;
        const tenant = request.tenant!;
        const outcome = await request.inScope(async (scope) =>
          cancelAtCounter(scope, await bookingContextOf(services, scope, tenant), {
            householdId: id,
            childId,
            bookingId,
            passDeadline: passesDeadline(request.body),
          }),
        );
        if (outcome.kind === 'forbidden') return reply.errorPage('forbidden');
        if (outcome.kind === 'not_found') return reply.callNotFound();
        const done = outcome.kind === 'refused' ? `refus-${outcome.reason}` : outcome.kind === 'cancelled' ? 'annulee' : 'annulation-demandee';
        return reply.redirect(`${request.base}${counterPath(id, childId, `${dayParam(formValues(request.body).jour)}fait=${done}`)}`, 303);
      },
    );

    app.post(
      '/gestion/foyers/:id/enfants/:childId/guichet/absence',
      { preHandler: requireStaff('manager'), preValidation: readMultipartForm, schema: { params: ChildParams, body: AbsenceForm } },
      async (request, reply) => {
        const { id, childId } = request.params;
        const { du, au, motif, precisions } = request.body;
        const tenant = request.tenant!;
        const outcome = await request.inScope((scope) =>
          declareAbsenceAtCounter(
            scope,
            id,
            {
              childId,
              firstDay: du,
              lastDay: au,
              reason: motif,
              comment: precisions,
              file: uploadedFile(request, 'certificat'),
              fileTooLarge: fileTooLarge(request),
            },
            absenceLimitsOf(tenant, scope.now),
          ),
        );
        if (outcome.kind === 'forbidden') return reply.errorPage('forbidden');
        if (outcome.kind === 'not_found') return reply.callNotFound();
        if (outcome.kind === 'declared') return reply.redirect(`${request.base}${counterPath(id, childId, `jour=${du}&fait=absence`)}`, 303);
        const errors = absenceMessages(request.t, outcome.errors, tenant.settings.absenceLateDays ?? ABSENCE_LATE_DAYS);
        const data = await loadCounter(services, request, request.params, { jour: du });
        if (!data) return reply.callNotFound();
        const values = { au: au ?? '', motif: motif ?? '', precisions: precisions ?? '' };
        return reply.page(pageTitle(request, data), <CounterPage {...data} absence={{ values, errors }} />, 400);
      },
    );

    app.post(
      '/gestion/foyers/:id/enfants/:childId/guichet/inscrire',
      { preHandler: requireStaff('manager'), schema: { params: ChildParams, body: Form } },
      async (request, reply) => {
        const { id, childId } = request.params;
        const form = formValues(request.body);
        const [activityId = '', groupId = ''] = (form.inscription ?? '').split(':');
        const valid = /^[0-9a-f-]{36}$/i.test(activityId) && (groupId === '' || /^[0-9a-f-]{36}$/i.test(groupId));
        const outcome = valid
          ? await request.inScope((scope) => enrollAtCounter(scope, { householdId: id, childId, activityId, groupId: groupId === '' ? null : groupId }))
          : ({ kind: 'invalid' } as const);
        if (outcome.kind === 'forbidden') return reply.errorPage('forbidden');
        if (outcome.kind === 'not_found') return reply.callNotFound();
        if (outcome.kind === 'invalid') {
          const data = await loadCounter(services, request, request.params, {
            jour: form.jour && new RegExp(`^${DAY}$`).test(form.jour) ? form.jour : undefined,
          });
          if (!data) return reply.callNotFound();
          return reply.page(pageTitle(request, data), <CounterPage {...data} enrollError={request.t('counter.enroll.choose')} />, 400);
        }
        const done = outcome.kind === 'enrolled' ? 'inscrit' : 'deja-inscrit';
        return reply.redirect(`${request.base}${counterPath(id, childId, `${dayParam(form.jour)}fait=${done}`)}`, 303);
      },
    );
  };
}

/** The day to come back to, as a query parameter (none: today). */
function dayParam(day: string | undefined): string {
  return day && new RegExp(`^${DAY}$`).test(day) ? `jour=${day}&` : '';
}

function choiceOf(box: string): BookingChoice {
  const [childId = '', unitId = '', day = ''] = box.split('|');
  return { childId, unitId, day };
}

interface CounterData {
  householdId: string;
  householdName: string;
  childId: string;
  childName: string;
  day: string;
  view: PlanningDayView;
  month: PlanningDay[];
  preview: CancelPreview | null;
  answer: Awaited<ReturnType<typeof submissionAnswer>>;
  enrollments: EnrollmentChoice[];
}

/** Everything the counter shows of one child and day, read by the family's own functions; null for a child not of the household. */
async function loadCounter(
  services: Services,
  request: FastifyRequest,
  params: { id: string; childId: string },
  query: { jour?: string | undefined; annuler?: string | undefined; envoi?: string | undefined },
): Promise<CounterData | null> {
  const tenant = request.tenant!;
  return request.inScope(async (scope) => {
    const name = await householdName(scope, params.id);
    const child = (await childChoices(scope, params.id)).find((candidate) => candidate.id === params.childId);
    if (!name || !child) return null;
    const today = localDate(scope.now, tenant.time_zone);
    const day = query.jour ?? today;
    const context = await bookingContextOf(services, scope, tenant);
    const view = await planningDay(scope, context, { householdId: params.id, childId: child.id, day, limits: absenceLimitsOf(tenant, scope.now) });
    if (!view) return null;
    const monthStart = `${day.slice(0, 7)}-01`;
    const month = await childPlanning(scope, context, {
      householdId: params.id,
      childId: child.id,
      from: monthStart,
      to: lastDayOfMonth(day.slice(0, 7)),
    });
    // The cancellation to confirm, as the engine would answer it now, and, past its deadline, as it would if staff passed it.
    const entry = view.planning.entries.find((candidate) => candidate.bookingId === query.annuler);
    let preview: CancelPreview | null = null;
    if (entry) {
      const input = { householdId: params.id, bookingId: entry.bookingId };
      const outcome = await cancellationPreview(scope, context, input);
      const late = outcome.kind === 'refused' && outcome.reason !== 'not_cancellable';
      preview = { entry, outcome, ...(late ? { passing: await cancellationPreview(scope, context, { ...input, passDeadline: true }) } : {}) };
    }
    return {
      householdId: params.id,
      householdName: name,
      childId: child.id,
      childName: child.name,
      day,
      view,
      month: month ?? [],
      preview,
      answer: query.envoi ? await submissionAnswer(scope, params.id, query.envoi) : null,
      enrollments: await enrollmentChoices(scope, params.id, child.id, today),
    };
  });
}

function pageTitle(request: FastifyRequest, data: CounterData): string {
  return request.t('counter.title', { child: data.childName, day: dayLabel(request.lang, data.day, 'long') });
}

function CounterPage(
  props: CounterData & {
    notice?: NoticeCode | undefined;
    absence?: { values: Record<string, string>; errors: Record<string, string | undefined> };
    enrollError?: string;
  },
) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  const { planning, activities } = props.view;
  const here = (query: string) => href(page, counterPath(props.householdId, props.childId, query));
  const errors = { ...(props.absence?.errors ?? {}), ...(props.enrollError ? { inscription: props.enrollError } : {}) };
  const labels = {
    du: t('absences.firstDay'),
    au: t('absences.lastDay'),
    motif: t('absences.reason'),
    precisions: t('absences.comment'),
    certificat: t('absences.file'),
    inscription: t('counter.enroll.activity'),
  };
  const tickable = activities.some((activity) =>
    activity.units.some(({ state }) => state.kind === 'open' || (state.kind === 'closed' && state.reason === 'deadline_passed')),
  );
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.householdId}#child-${props.childId}`)}>
          {t('counter.back', { household: props.householdName })}
        </a>
      </p>
      <h1>{t('counter.title', { child: props.childName, day: dayLabel(page.lang, props.day, 'long') })}</h1>
      <p>{t('counter.intro')}</p>
      {!canChange && (
        <Alert kind="info" small>
          {t('counter.readOnly')}
        </Alert>
      )}
      <ErrorSummary errors={errors} labels={labels} />
      {props.notice && (
        <Alert kind={NOTICES[props.notice]} small announce>
          {t(`counter.done.${props.notice}`)}
        </Alert>
      )}
      {props.answer && (
        <section aria-labelledby="answer-title" class="fr-mb-3w">
          <h2 class="fr-h5" id="answer-title">
            {t('counter.answerTitle')}
          </h2>
          <BookingAnswersTable results={props.answer.results} names={props.answer.names} units={props.answer.units} />
        </section>
      )}
      <nav class="pf-month-nav fr-mb-2w" aria-label={t('counter.days')}>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={here(`jour=${addDays(props.day, -1)}`)}>
          {t('counter.previousDay')}
        </a>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right fr-ml-2w" href={here(`jour=${addDays(props.day, 1)}`)}>
          {t('counter.nextDay')}
        </a>
      </nav>
      {canChange && props.preview && (
        <CancelConfirmation
          action={href(page, `${counterPath(props.householdId, props.childId)}/annuler/${props.preview.entry.bookingId}`)}
          hidden={[['jour', props.day]]}
          preview={props.preview}
          back={here(`jour=${props.day}`)}
        />
      )}
      <DayBadges planning={planning} />

      <h2 class="fr-h4">{t('planning.booked')}</h2>
      <BookedEntries
        entries={planning.entries}
        cancelHref={(entry) => (canChange && (entry.cancellableUntil || entry.cancelClosedAt) ? here(`jour=${props.day}&annuler=${entry.bookingId}`) : null)}
        closedKey="counter.cancelLate"
      />

      <h2 class="fr-h4">{t('planning.book')}</h2>
      {activities.length === 0 ? (
        <p>{t('counter.notBookable')}</p>
      ) : !canChange || !tickable ? (
        <>
          {!tickable && <p>{t('planning.nothingToBook')}</p>}
          <ClosedUnits activities={activities} />
        </>
      ) : (
        activities.map((activity) => (
          <DayBookingForm
            key={activity.id}
            action={href(page, `${counterPath(props.householdId, props.childId)}/reserver`)}
            hidden={[
              ['activite', activity.id],
              ['jour', props.day],
            ]}
            childId={props.childId}
            day={props.day}
            activity={activity}
            passable
          />
        ))
      )}

      <h2 class="fr-h4 fr-mt-4w">{t('planning.absence')}</h2>
      {props.view.absenceRefusal ? (
        <p>{absenceRefusalText(t, props.view.absenceRefusal, page.tenant!.settings.absenceLateDays ?? ABSENCE_LATE_DAYS)}</p>
      ) : canChange ? (
        <AbsenceFormPart {...props} values={props.absence?.values ?? {}} errors={props.absence?.errors ?? {}} />
      ) : null}

      <h2 class="fr-h4 fr-mt-4w">{t('counter.enroll.title')}</h2>
      {props.enrollments.length === 0 ? (
        <p>{t('counter.enroll.none')}</p>
      ) : canChange ? (
        <form method="post" action={href(page, `${counterPath(props.householdId, props.childId)}/inscrire`)} class="fr-mb-4w">
          <CsrfField />
          <input type="hidden" name="jour" value={props.day} />
          <Select
            name="inscription"
            label={t('counter.enroll.activity')}
            hint={t('counter.enroll.hint')}
            required
            error={props.enrollError}
            options={[
              { value: '', label: '—' },
              ...props.enrollments
                .filter((choice) => choice.groups.length === 0)
                .map((choice) => ({ value: `${choice.activityId}:`, label: choice.activityName })),
            ]}
            groups={props.enrollments
              .filter((choice) => choice.groups.length > 0)
              .map((choice) => ({
                label: choice.activityName,
                options: choice.groups.map((group) => ({ value: `${choice.activityId}:${group.id}`, label: `${choice.activityName} — ${group.name}` })),
              }))}
          />
          <Button icon="fr-icon-add-line">{t('counter.enroll.submit')}</Button>
        </form>
      ) : (
        <ul class="pf-compact-list">
          {props.enrollments.map((choice) => (
            <li key={choice.activityId}>{choice.activityName}</li>
          ))}
        </ul>
      )}

      <MonthOfChild {...props} />
    </>
  );
}

/** Declaring an absence from the day shown, as the family would (a certificate for an illness). */
function AbsenceFormPart(props: CounterData & { values: Record<string, string>; errors: Record<string, string | undefined> }) {
  const page = usePage();
  const { t } = page;
  const { values, errors } = props;
  return (
    <form
      method="post"
      action={href(page, `${counterPath(props.householdId, props.childId)}/absence`)}
      enctype="multipart/form-data"
      novalidate
      class="fr-mb-4w"
    >
      <CsrfField />
      <input type="hidden" name="du" value={props.day} />
      <p>{t('counter.absenceFrom', { day: dayLabel(page.lang, props.day, 'long') })}</p>
      {errors.du && (
        <Alert kind="error" small>
          {errors.du}
        </Alert>
      )}
      <AbsenceFields values={values} errors={errors} commentRows={2} />
    </form>
  );
}

/** The child's month, day by day, each day a link to its counter page. */
function MonthOfChild(props: CounterData) {
  const page = usePage();
  const { t } = page;
  const month = props.day.slice(0, 7);
  const here = (query: string) => href(page, counterPath(props.householdId, props.childId, query));
  return (
    <section class="fr-mt-6w" aria-labelledby="month-title">
      <h2 class="fr-h4" id="month-title">
        {t('counter.month', { month: monthName(page.lang, month) })}
      </h2>
      <MonthNav month={month} link={(other) => here(`jour=${other}-01`)} />
      <Table caption={t('counter.month', { month: monthName(page.lang, month) })} noCaption class="fr-table--multiline">
        <thead>
          <tr>
            <th scope="col">{t('bookings.day')}</th>
            <th scope="col">{t('bookings.units')}</th>
          </tr>
        </thead>
        <tbody>
          {props.month.map((day) => (
            <tr key={day.day} class={day.weekday >= 6 ? 'pf-weekend' : undefined}>
              <th scope="row">
                {day.day === props.day ? (
                  <strong>{dayLabel(page.lang, day.day)}</strong>
                ) : (
                  <a class="fr-link fr-link--sm" href={here(`jour=${day.day}`)}>
                    {dayLabel(page.lang, day.day)}
                  </a>
                )}
              </th>
              <td>
                <ul class="pf-compact-list">
                  {day.entries.map((entry) => (
                    <li key={entry.bookingId}>
                      {entry.activityName} — {entry.unitName} <BookingStatusBadge status={entry.status} rank={entry.rank} />
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
