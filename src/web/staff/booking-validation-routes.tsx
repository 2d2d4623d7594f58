import { periodKey } from '../../i18n/catalogue.js';
import type { ComponentChildren } from 'preact';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import {
  decideMany,
  pendingDecisions,
  type DecisionItem,
  type DecisionKind,
  type DecisionResult,
  type PendingDecisions,
  type Verdict,
} from '../../modules/bookings/booking-decisions.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { requireStaff } from '../guards.js';
import { Form, formValues, IdChoice, Many, many } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { BookingStatusBadge, noonOf } from './booking-components.js';
import { Table } from '../components/dsfr/table.js';
import { DecisionButton, splitAtColon, kindAndId, PerRow } from './staff-input.js';
import { useCanChange } from './staff-access.js';
import { type Requirement, requirementsOfHouseholds } from '../../modules/document-space/requested-documents.js';
import type { Scope } from '../../modules/scope.js';
import { RequirementStatus, requirementTitle } from '../components/required-documents.js';
import { personFullName } from '../../modules/person-name.js';

const PATH = '/gestion/validations';
const SELECTION = 'selection';
const KINDS: DecisionKind[] = ['booking', 'cancellation', 'enrollment', 'absence'];

/**
 * A decision: "accept:<kind>:<id>" or "refuse:<kind>:<id>" for one request, "accept:selection" or
 * "refuse:selection" for the ticked ones (`ids`, "<kind>:<id>"), with the reason of a refusal
 * (`reason.<id>`, `reason`) and the group an enrollment is accepted in (`group.<id>`, none chosen: '').
 */
const DecisionForm = Type.Intersect([
  Type.Object({
    act: DecisionButton(['accept', 'refuse'], [SELECTION, kindAndId(KINDS)]),
    ids: Type.Optional(Many(Type.String({ pattern: `^${kindAndId(KINDS)}$` }))),
  }),
  PerRow('group.', IdChoice),
  Form,
]);

interface Outcome {
  item: DecisionItem;
  result: DecisionResult;
  label: string;
}

/**
 * The requests waiting for the service: bookings of activities it validates, cancellations, and
 * enrollments (absence declarations will join them). Decided one by one, or a selection at once
 * with one reason for refusals; one submission is one transaction, the families are emailed.
 */
export function staffBookingValidationRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const { pending, documents } = await request.inScope(async (scope) => withDocuments(scope, await pendingDecisions(scope)));
      return reply.page(request.t('validations.title'), <ValidationsPage pending={pending} documents={documents} outcomes={[]} />);
    });

    app.post(PATH, { preHandler: requireStaff('manager'), schema: { body: DecisionForm } }, async (request, reply) => {
      const form = formValues(request.body);
      const [verb, target] = splitAtColon(request.body.act);
      const single = target === SELECTION ? null : itemOf(target);
      const items = (
        single
          ? [single]
          : many(request.body.ids)
              .map(itemOf)
              .filter((item): item is DecisionItem => item !== null)
      ).map((item) => (item.kind === 'enrollment' ? { ...item, groupId: form[`group.${item.id}`] || null } : item));
      const reasonField = single ? `reason.${single.id}` : 'reason';
      const reason = form[reasonField] ?? '';
      const verdict: Verdict = verb === 'accept' ? { accept: true } : { accept: false, reason };
      const { outcomes, pending, documents } = await request.inScope(async (scope) => {
        const before = await pendingDecisions(scope);
        const labels = labelsOf(before, request.t);
        const results = await decideMany(scope, items, verdict, mailContextOf(request));
        return {
          outcomes: results.map((outcome) => ({ ...outcome, label: labels.get(outcome.item.id) ?? request.t('validations.unknown') })),
          ...(await withDocuments(scope, await pendingDecisions(scope))),
        };
      });
      if (single && outcomes[0]?.result === 'not_found') return reply.callNotFound();
      const reasonMissing = outcomes.some((outcome) => outcome.result === 'reason_required');
      const nothingSelected = !single && items.length === 0;
      const groupMissing = single && outcomes[0]?.result === 'group_required';
      const errors: Record<string, string> = {
        ...(reasonMissing ? { [reasonField]: request.t('validations.reasonRequired') } : {}),
        ...(nothingSelected ? { ids: request.t('validations.nothingSelected') } : {}),
        ...(groupMissing ? { [`group.${single.id}`]: request.t('validations.result.group_required') } : {}),
      };
      const failed = reasonMissing || nothingSelected || groupMissing;
      return reply.page(
        request.t('validations.title'),
        <ValidationsPage
          pending={pending}
          documents={documents}
          outcomes={reasonMissing ? [] : outcomes}
          accepted={verdict.accept}
          errors={errors}
          values={reasonMissing ? { [reasonField]: reason } : {}}
          selected={failed ? items.map((item) => item.id) : []}
          groups={Object.fromEntries(items.filter((item) => item.groupId).map((item) => [item.id, item.groupId!]))}
        />,
        failed ? 400 : 200,
      );
    });
  };
}

/** The requests, and for each enrollment the documents its activity asks of the household, with where it stands. */
async function withDocuments(scope: Scope, pending: PendingDecisions): Promise<{ pending: PendingDecisions; documents: Map<string, Requirement[]> }> {
  const requirements = await requirementsOfHouseholds(scope, [...new Set(pending.enrollments.map((row) => row.household_id))]);
  const documents = new Map(
    pending.enrollments.map((row) => [
      row.id,
      requirements.filter(
        // A kind asked per child: only the enrolled child's.
        (requirement) =>
          requirement.householdId === row.household_id &&
          (requirement.child === null || requirement.child.id === row.child_id) &&
          requirement.activities.some((activity) => activity.id === row.activity_id),
      ),
    ]),
  );
  return { pending, documents };
}

/** A request named by a button or a ticked box, "<kind>:<id>" (the schema checked both). */
function itemOf(value: string): DecisionItem | null {
  const [kind, id] = splitAtColon(value);
  const known = KINDS.find((candidate) => candidate === kind);
  return known ? { kind: known, id } : null;
}

/** What each pending request is, in words, for the results of a submission. */
function labelsOf(pending: PendingDecisions, t: (key: MessageKey) => string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const row of pending.bookings)
    labels.set(row.id, `${t('validations.kind.booking')} — ${personFullName(row)}, ${row.activity_name} (${row.unit_name}), ${formatCalendarDate(row.day)}`);
  for (const row of pending.cancellations)
    labels.set(
      row.id,
      `${t('validations.kind.cancellation')} — ${personFullName(row)}, ${row.activity_name} (${row.unit_name}), ${formatCalendarDate(row.day)}`,
    );
  for (const row of pending.enrollments) labels.set(row.id, `${t('validations.kind.enrollment')} — ${personFullName(row)}, ${row.activity_name}`);
  for (const row of pending.absences)
    labels.set(row.id, `${t('validations.kind.absence')} — ${personFullName(row)}, ${formatCalendarDate(row.first_day)} – ${formatCalendarDate(row.last_day)}`);
  return labels;
}

function Outcomes(props: { outcomes: Outcome[]; accepted: boolean }) {
  const { t } = usePage();
  if (props.outcomes.length === 0) return null;
  const failed = props.outcomes.some((outcome) => outcome.result !== 'done');
  return (
    <Alert kind={failed ? 'warning' : 'success'} title={t('validations.results')} announce>
      <ul>
        {props.outcomes.map((outcome) => {
          const text =
            outcome.result === 'done'
              ? t(props.accepted ? 'validations.result.accepted' : 'validations.result.refused')
              : t(`validations.result.${outcome.result}`);
          return (
            <li key={outcome.item.id}>
              {outcome.label}
              {t('punct.colon')}
              {text}
            </li>
          );
        })}
      </ul>
    </Alert>
  );
}

interface PageState {
  canDecide: boolean;
  /** The documents each enrollment's activity asks of its household. */
  documents: Map<string, Requirement[]>;
  errors: Record<string, string>;
  values: Record<string, string>;
  selected: string[];
  groups: Record<string, string>;
}

function ValidationsPage(props: {
  pending: PendingDecisions;
  documents: Map<string, Requirement[]>;
  outcomes: Outcome[];
  accepted?: boolean;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  selected?: string[];
  groups?: Record<string, string>;
}) {
  const page = usePage();
  const { t } = page;
  const state: PageState = {
    canDecide: useCanChange(),
    documents: props.documents,
    errors: props.errors ?? {},
    values: props.values ?? {},
    selected: props.selected ?? [],
    groups: props.groups ?? {},
  };
  const { pending } = props;
  const total = pending.bookings.length + pending.cancellations.length + pending.enrollments.length + pending.absences.length;
  return (
    <>
      <h1>{t('validations.title')}</h1>
      <Outcomes outcomes={props.outcomes} accepted={props.accepted ?? true} />
      {state.errors.ids && (
        <Alert kind="error" small announce>
          {state.errors.ids}
        </Alert>
      )}
      {state.errors.reason && (
        <Alert kind="error" small announce>
          {state.errors.reason}
        </Alert>
      )}
      <p>{t('validations.intro')}</p>
      {!state.canDecide && (
        <Alert kind="info" small>
          {t('validations.readOnly')}
        </Alert>
      )}
      <form method="post" action={href(page, PATH)}>
        <CsrfField />
        <BookingRequests kind="booking" rows={pending.bookings} state={state} />
        <BookingRequests kind="cancellation" rows={pending.cancellations} state={state} />
        <EnrollmentRequests rows={pending.enrollments} state={state} />
        <AbsenceRequests rows={pending.absences} state={state} />
        {state.canDecide && total > 0 && (
          <fieldset class="fr-fieldset fr-mt-3w" aria-labelledby="bulk-legend">
            <legend class="fr-fieldset__legend" id="bulk-legend">
              {t('validations.bulk')}
            </legend>
            <div class="fr-fieldset__element">
              <Textarea name="reason" label={t('validations.bulkReason')} rows={2} value={state.values.reason} error={state.errors.reason} />
            </div>
            <div class="fr-fieldset__element">
              <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
                <li>
                  <Button name="act" value={`accept:${SELECTION}`} icon="fr-icon-check-line">
                    {t('validations.acceptSelection')}
                  </Button>
                </li>
                <li>
                  <Button name="act" value={`refuse:${SELECTION}`} variant="secondary" icon="fr-icon-close-line">
                    {t('validations.refuseSelection')}
                  </Button>
                </li>
              </ul>
            </div>
          </fieldset>
        )}
      </form>
    </>
  );
}

function SelectBox(props: { value: string; id: string; child: string; state: PageState }) {
  const { t } = usePage();
  return (
    <div class="fr-checkbox-group fr-checkbox-group--sm">
      <input type="checkbox" id={`select-${props.id}`} name="ids" value={props.value} checked={props.state.selected.includes(props.id)} />
      <label class="fr-label" for={`select-${props.id}`}>
        <span class="fr-sr-only">{t('validations.selectOne', { child: props.child })}</span>
      </label>
    </div>
  );
}

function DecisionButtons(props: { kind: DecisionKind; id: string; child: string; state: PageState }) {
  const { t } = usePage();
  const field = `reason.${props.id}`;
  const context = (
    <span class="fr-sr-only">
      {' '}
      — {t(`validations.kind.${props.kind}`)}, {props.child}
    </span>
  );
  return (
    <>
      <Button name="act" value={`accept:${props.kind}:${props.id}`} icon="fr-icon-check-line" class="fr-btn--sm fr-mb-1w">
        {t('validations.accept')}
        {context}
      </Button>
      <Textarea name={field} label={t('validations.reason')} rows={2} value={props.state.values[field]} error={props.state.errors[field]} />
      <Button name="act" value={`refuse:${props.kind}:${props.id}`} variant="secondary" icon="fr-icon-close-line" class="fr-btn--sm">
        {t('validations.refuse')}
        {context}
      </Button>
    </>
  );
}

/**
 * One kind of request waiting for staff: its heading, what to do when there is none, and the table
 * whose first column ticks a row for a bulk decision and whose last holds the decision buttons.
 */
function RequestSection(props: {
  heading: string;
  none: string;
  hint: string;
  columns: string[];
  canDecide: boolean;
  empty: boolean;
  children: ComponentChildren;
}) {
  const { t } = usePage();
  return (
    <section class="fr-mb-5w">
      <h2>{props.heading}</h2>
      {props.empty ? (
        <p>{props.none}</p>
      ) : (
        <>
          <p class="fr-text--sm">{props.hint}</p>
          <Table caption={props.heading} noCaption>
            <thead>
              <tr>
                {props.canDecide && <th scope="col">{t('validations.select')}</th>}
                {props.columns.map((column) => (
                  <th scope="col" key={column}>
                    {column}
                  </th>
                ))}
                {props.canDecide && <th scope="col">{t('validations.decision')}</th>}
              </tr>
            </thead>
            <tbody>{props.children}</tbody>
          </Table>
        </>
      )}
    </section>
  );
}

function BookingRequests(props: { kind: 'booking' | 'cancellation'; rows: PendingDecisions['bookings']; state: PageState }) {
  const page = usePage();
  const { t, fmt } = page;
  const [title, hint, none] =
    props.kind === 'booking'
      ? (['validations.bookings', 'validations.bookingsHint', 'validations.noneBookings'] as const)
      : (['validations.cancellations', 'validations.cancellationsHint', 'validations.noneCancellations'] as const);
  const heading = t(title, { count: props.rows.length });
  return (
    <RequestSection
      heading={heading}
      none={t(none)}
      hint={t(hint)}
      columns={[t('validations.day'), t('validations.child'), t('validations.household'), t('validations.what'), t('validations.received')]}
      canDecide={props.state.canDecide}
      empty={props.rows.length === 0}
    >
      {props.rows.map((row) => (
        <tr key={row.id}>
          {props.state.canDecide && (
            <td>
              <SelectBox value={`${props.kind}:${row.id}`} id={row.id} child={personFullName(row)} state={props.state} />
            </td>
          )}
          <td>{fmt.longDate(noonOf(row.day))}</td>
          <td>
            {row.last_name} {row.first_name}
          </td>
          <td>
            <a href={href(page, `/gestion/foyers/${row.household_id}`)}>{row.household_name}</a>
          </td>
          <td>
            {row.activity_name} — {row.unit_name}
            {row.group_name && (
              <>
                <br />
                <span class="fr-text--xs">{row.group_name}</span>
              </>
            )}
            <br />
            <BookingStatusBadge status={row.status} />
          </td>
          <td>{fmt.dateTime(props.kind === 'booking' ? row.created_at : row.updated_at)}</td>
          {props.state.canDecide && (
            <td>
              <DecisionButtons kind={props.kind} id={row.id} child={personFullName(row)} state={props.state} />
            </td>
          )}
        </tr>
      ))}
    </RequestSection>
  );
}

function AbsenceRequests(props: { rows: PendingDecisions['absences']; state: PageState }) {
  const page = usePage();
  const { t, fmt } = page;
  const heading = t('validations.absences', { count: props.rows.length });
  return (
    <RequestSection
      heading={heading}
      none={t('validations.noneAbsences')}
      hint={t('validations.absencesHint')}
      columns={[t('validations.child'), t('validations.household'), t('absences.reason'), t('validations.received')]}
      canDecide={props.state.canDecide}
      empty={props.rows.length === 0}
    >
      {props.rows.map((row) => {
        const child = personFullName(row);
        return (
          <tr key={row.id}>
            {props.state.canDecide && (
              <td>
                <SelectBox value={`absence:${row.id}`} id={row.id} child={child} state={props.state} />
              </td>
            )}
            <td>
              {row.last_name} {row.first_name}
              <br />
              <span class="fr-text--xs">
                {t(periodKey('validations.absencePeriod', row.first_day, row.last_day), {
                  from: formatCalendarDate(row.first_day),
                  to: formatCalendarDate(row.last_day),
                })}
              </span>
            </td>
            <td>
              <a href={href(page, `/gestion/foyers/${row.household_id}`)}>{row.household_name}</a>
            </td>
            <td>
              {t(`absences.reason.${row.reason}`)}
              {row.comment && (
                <>
                  <br />
                  <span class="fr-text--xs">{row.comment}</span>
                </>
              )}
              <br />
              {row.document_id ? (
                <a href={href(page, `/documents/${row.document_id}`)}>{t('absences.certificate')}</a>
              ) : (
                <span class="fr-text--xs">{t('validations.noCertificate')}</span>
              )}
            </td>
            <td>{fmt.dateTime(row.created_at)}</td>
            {props.state.canDecide && (
              <td>
                <DecisionButtons kind="absence" id={row.id} child={child} state={props.state} />
              </td>
            )}
          </tr>
        );
      })}
    </RequestSection>
  );
}

function EnrollmentRequests(props: { rows: PendingDecisions['enrollments']; state: PageState }) {
  const page = usePage();
  const { t, fmt } = page;
  const heading = t('validations.enrollments', { count: props.rows.length });
  return (
    <RequestSection
      heading={heading}
      none={t('validations.noneEnrollments')}
      hint={t('validations.enrollmentsHint')}
      columns={[t('validations.child'), t('validations.household'), t('validations.activity'), t('validations.received')]}
      canDecide={props.state.canDecide}
      empty={props.rows.length === 0}
    >
      {props.rows.map((row) => {
        const child = personFullName(row);
        return (
          <tr key={row.id}>
            {props.state.canDecide && (
              <td>
                <SelectBox value={`enrollment:${row.id}`} id={row.id} child={child} state={props.state} />
              </td>
            )}
            <td>
              {row.last_name} {row.first_name}
              {row.birth_date && (
                <>
                  <br />
                  <span class="fr-text--xs">{t('validations.bornOn', { date: fmt.shortDate(noonOf(row.birth_date)) })}</span>
                </>
              )}
            </td>
            <td>
              <a href={href(page, `/gestion/foyers/${row.household_id}`)}>{row.household_name}</a>
            </td>
            <td>
              {row.activity_name}
              {row.comment && (
                <>
                  <br />
                  <span class="fr-text--xs">{t('validations.comment', { comment: row.comment })}</span>
                </>
              )}
              <br />
              <p class="fr-badge fr-badge--sm fr-badge--new">{t('enrollment.status.pending')}</p>
              <EnrollmentDocuments requirements={props.state.documents.get(row.id) ?? []} />
            </td>
            <td>{fmt.dateTime(row.created_at)}</td>
            {props.state.canDecide && (
              <td>
                {row.groups.length > 0 && (
                  <Select
                    name={`group.${row.id}`}
                    label={t('validations.groupOf', { child: row.first_name })}
                    value={props.state.groups[row.id] ?? row.group_id ?? ''}
                    options={[{ value: '', label: t('validations.chooseGroup') }, ...row.groups.map((group) => ({ value: group.id, label: group.name }))]}
                    error={props.state.errors[`group.${row.id}`]}
                  />
                )}
                <DecisionButtons kind="enrollment" id={row.id} child={child} state={props.state} />
              </td>
            )}
          </tr>
        );
      })}
    </RequestSection>
  );
}

/** What the activity asks of the household before the enrollment, each with its state ("À fournir", "Refusé", "Valable"…). */
function EnrollmentDocuments(props: { requirements: Requirement[] }) {
  const { t } = usePage();
  if (props.requirements.length === 0) return null;
  return (
    <div class="fr-mt-1w">
      <p class="fr-text--sm fr-mb-1v">{t('staffDocuments.enrollmentDocuments')}</p>
      <ul class="fr-text--sm fr-mb-0">
        {props.requirements.map((requirement) => (
          <li key={`${requirement.typeId}-${requirement.child?.id ?? ''}`}>
            {requirementTitle(t, requirement)}
            {t('punct.colon')}
            <RequirementStatus state={requirement.state} />
          </li>
        ))}
      </ul>
    </div>
  );
}
