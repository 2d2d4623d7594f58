import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ComponentChildren } from 'preact';
import { Type } from 'typebox';
import { countKey, formatters, type Translate } from '../../i18n/catalogue.js';
import { householdEnrollments } from '../../modules/bookings/enrollments.js';
import { householdMonth, type MonthEntry } from '../../modules/bookings/household-month.js';
import { lastDayOfMonth } from '../../modules/calendar/calendar-dates.js';
import type { InvoiceSummary } from '../../modules/billing/invoices.js';
import { householdEmails } from '../../modules/households/household-emails.js';
import { householdName } from '../../modules/households/household-overview.js';
import type { Scope } from '../../modules/scope.js';
import { BookingStatusBadge } from '../components/booking-status.js';
import { Table } from '../components/dsfr/table.js';
import { householdRequestLines, RequestLinesTable, type RequestLine } from '../components/request-lines.js';
import { StatusBadge } from '../components/status-badge.js';
import { dayLabel, monthName } from '../calendar-labels.js';
import { MonthNav } from '../components/month-nav.js';
import { requireStaff } from '../guards.js';
import { Month } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { EmailStatusBadge } from './outbox-routes.js';
import { IdParams } from './staff-input.js';

/**
 * What a household's page shows of its life with the service, beside its record: a summary at
 * the top, its enrollments, its children's bookings month by month, every request it made and
 * the emails sent to it — the latest on the page, the whole lists one link away.
 */

/** Requests and emails shown on the household's page; the rest on their own page. */
const LATEST = 10;
/** The whole list of a household's emails, at most (the outbox keeps the older ones). */
const ALL_EMAILS = 500;

export interface HouseholdActivity {
  month: string;
  bookings: MonthEntry[];
  enrollments: Awaited<ReturnType<typeof householdEnrollments>>;
  requests: RequestLine[];
  emails: Awaited<ReturnType<typeof householdEmails>>;
}

/** The month's bookings, enrollments, requests and latest emails of a household. */
export async function householdActivity(
  scope: Scope,
  householdId: string,
  input: { month: string; t: Translate; money: (cents: number) => string; timeZone: string },
): Promise<HouseholdActivity> {
  return {
    month: input.month,
    bookings: await householdMonth(scope, householdId, { from: `${input.month}-01`, to: lastDayOfMonth(input.month) }),
    enrollments: await householdEnrollments(scope, householdId),
    requests: (await householdRequestLines(scope, householdId, { kind: undefined, ...input })) ?? [],
    emails: await householdEmails(scope, householdId, LATEST),
  };
}

/** The household in a few figures, at the top of its page. */
export function HouseholdAtAGlance(props: { activity: HouseholdActivity; children: number; balanceCents: number; invoices: InvoiceSummary[] }) {
  const { t, fmt } = usePage();
  const accepted = props.activity.enrollments.filter((enrollment) => enrollment.status === 'accepted').length;
  const pending = props.activity.requests.filter((request) => request.pending).length;
  const unpaid = props.invoices.filter((invoice) => invoice.state === 'to_pay' || invoice.state === 'late').length;
  const balance =
    props.balanceCents > 0
      ? t('staff.household.balanceDue', { amount: fmt.money(props.balanceCents) })
      : props.balanceCents < 0
        ? t('staff.household.balanceCredit', { amount: fmt.money(-props.balanceCents) })
        : t('staff.household.balanceZero');
  return (
    <section class="fr-callout fr-mb-4w" aria-labelledby="household-glance-title">
      <h2 class="fr-callout__title fr-h5" id="household-glance-title">
        {t('household.glance.title')}
      </h2>
      <ul class="fr-callout__text pf-compact-list">
        <li>{t(countKey('household.glance.children', props.children), { count: props.children })}</li>
        <li>{t(countKey('household.glance.enrollments', accepted), { count: accepted })}</li>
        <li>
          <a href="#requests">{t(countKey('household.glance.pending', pending), { count: pending })}</a>
        </li>
        <li>
          <a href="#billing">{t(countKey('household.glance.unpaid', unpaid), { count: unpaid })}</a>
        </li>
        <li>{balance}</li>
      </ul>
    </section>
  );
}

/** Enrollments, the month's bookings, the requests and the emails, each under its heading. */
export function HouseholdActivitySections(props: { householdId: string; children: { id: string; name: string }[]; activity: HouseholdActivity }) {
  const page = usePage();
  const { t } = page;
  const { activity, householdId } = props;
  const base = `/gestion/foyers/${householdId}`;
  return (
    <>
      <h2 id="enrollments">{t('staff.household.part.enrollments')}</h2>
      <Enrollments enrollments={activity.enrollments} />

      <h2 id="bookings">{t('staff.household.part.bookings')}</h2>
      <MonthNav month={activity.month} link={(month) => href(page, `${base}?mois=${month}#bookings`)} />
      {props.children.map((child) => (
        <ChildMonth key={child.id} child={child} month={activity.month} entries={activity.bookings.filter((entry) => entry.childId === child.id)} />
      ))}

      <h2 id="requests">{t('staff.household.part.requests')}</h2>
      {activity.requests.length === 0 ? (
        <p>{t('requests.none')}</p>
      ) : (
        <>
          {activity.requests.length > LATEST && <p class="fr-text--sm">{t('household.requests.latest', { shown: LATEST, count: activity.requests.length })}</p>}
          <RequestLinesTable
            lines={activity.requests.slice(0, LATEST)}
            caption={t('staff.household.part.requests')}
            captionId="household-requests-caption"
            family={false}
          />
          <p>
            <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, `${base}/demandes`)}>
              {t(countKey('household.requests.all', activity.requests.length), { count: activity.requests.length })}
            </a>
          </p>
        </>
      )}

      <h2 id="emails">{t('staff.household.part.emails')}</h2>
      <Emails base={base} emails={activity.emails} latest />
    </>
  );
}

function Enrollments(props: { enrollments: HouseholdActivity['enrollments'] }) {
  const { t, fmt } = usePage();
  if (props.enrollments.length === 0) return <p>{t('household.enrollments.none')}</p>;
  return (
    <Table caption={t('staff.household.part.enrollments')} noCaption focusableId="household-enrollments-caption">
      <thead>
        <tr>
          <th scope="col">{t('household.enrollments.child')}</th>
          <th scope="col">{t('household.enrollments.activity')}</th>
          <th scope="col">{t('household.enrollments.group')}</th>
          <th scope="col">{t('household.enrollments.asked')}</th>
          <th scope="col">{t('household.enrollments.state')}</th>
          <th scope="col">{t('household.enrollments.decided')}</th>
        </tr>
      </thead>
      <tbody>
        {props.enrollments.map((enrollment) => (
          <tr key={enrollment.id}>
            <td>{enrollment.first_name}</td>
            <td>{enrollment.activity_name}</td>
            <td>{enrollment.group_name ?? ''}</td>
            <td>{fmt.shortDate(enrollment.created_at)}</td>
            <td>
              <StatusBadge
                tone={
                  enrollment.status === 'accepted' ? 'success' : enrollment.status === 'refused' ? 'error' : enrollment.status === 'pending' ? 'new' : 'info'
                }
                label={`enrollment.status.${enrollment.status}`}
              />
            </td>
            <td class="fr-cell--multiline">
              {enrollment.decided_at ? fmt.shortDate(enrollment.decided_at) : ''}
              {enrollment.reason && <p class="fr-text--xs fr-mb-0">{enrollment.reason}</p>}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** A child's booked days of the month: each day once, its units with their state in words. */
function ChildMonth(props: { child: { id: string; name: string }; month: string; entries: MonthEntry[] }) {
  const { t, lang } = usePage();
  const caption = t('household.month.caption', { child: props.child.name, month: monthName(lang, props.month) });
  const days = [...new Set(props.entries.map((entry) => entry.day))];
  return (
    <section class="fr-mb-4w" aria-labelledby={`month-${props.child.id}-title`}>
      <h3 class="fr-h6" id={`month-${props.child.id}-title`}>
        {props.child.name}
      </h3>
      {days.length === 0 ? (
        <p>{t('household.month.none')}</p>
      ) : (
        <Table caption={caption} noCaption focusableId={`month-${props.child.id}-caption`}>
          <thead>
            <tr>
              <th scope="col">{t('household.month.day')}</th>
              <th scope="col">{t('household.month.bookings')}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day}>
                <th scope="row">{dayLabel(lang, day)}</th>
                <td class="fr-cell--multiline">
                  <ul class="pf-compact-list pf-planning-entries">
                    {props.entries
                      .filter((entry) => entry.day === day)
                      .map((entry, index) => (
                        <li key={index}>
                          {t('household.month.entry', { activity: entry.activityName, unit: entry.unitName })}{' '}
                          <BookingStatusBadge status={entry.status} rank={entry.rank} />
                        </li>
                      ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

/** The emails sent to the household: subject, recipient, date and state, never their text (which may hold a link). */
function Emails(props: { base: string; emails: HouseholdActivity['emails']; latest: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { emails } = props;
  if (emails === null) return <p>{t('household.emails.managersOnly')}</p>;
  if (emails.total === 0) return <p>{t('household.emails.none')}</p>;
  return (
    <>
      {props.latest && emails.total > emails.emails.length && (
        <p class="fr-text--sm">{t('household.emails.latest', { shown: emails.emails.length, count: emails.total })}</p>
      )}
      <Table caption={t('staff.household.part.emails')} noCaption focusableId="household-emails-caption">
        <thead>
          <tr>
            <th scope="col">{t('household.emails.subject')}</th>
            <th scope="col">{t('household.emails.state')}</th>
            <th scope="col">{t('household.emails.to')}</th>
            <th scope="col">{t('household.emails.date')}</th>
          </tr>
        </thead>
        <tbody>
          {emails.emails.map((email) => (
            <tr key={email.id}>
              <td class="fr-cell--multiline">
                <a href={href(page, `/gestion/courriels/${email.id}`)}>{email.subject}</a>
              </td>
              <td>
                <EmailStatusBadge status={email.status} />
              </td>
              <td>{email.to_address}</td>
              <td>{fmt.dateTime(email.sent_at ?? email.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {props.latest && (
        <p>
          <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, `${props.base}/courriels`)}>
            {t(countKey('household.emails.all', emails.total), { count: emails.total })}
          </a>
        </p>
      )}
    </>
  );
}

/** The household's month asked in the address (`?mois=`), or today's. */
export const HouseholdMonthQuery = { mois: Type.Optional(Month) };

/** The whole lists behind the household page's latest: every request, every email. */
export function staffHouseholdActivityRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion/foyers/:id/demandes', { preHandler: requireStaff(), schema: { params: IdParams } }, async (request, reply) => {
      const { id } = request.params;
      const timeZone = request.tenant!.time_zone;
      const money = formatters(request.lang, timeZone).money;
      const found = await request.inScope(async (scope) => {
        const name = await householdName(scope, id);
        if (name === null) return null;
        const lines = await householdRequestLines(scope, id, { kind: undefined, t: request.t, money, timeZone });
        return { name, lines: lines ?? [] };
      });
      if (!found) return reply.callNotFound();
      const title = request.t('household.requests.title', { household: found.name });
      return reply.page(
        title,
        <WholeList id={id} title={title}>
          {found.lines.length === 0 ? (
            <p>{request.t('requests.none')}</p>
          ) : (
            <RequestLinesTable lines={found.lines} caption={title} captionId="all-requests-caption" family={false} />
          )}
        </WholeList>,
      );
    });

    app.get('/gestion/foyers/:id/courriels', { preHandler: requireStaff('manager'), schema: { params: IdParams } }, async (request, reply) => {
      const { id } = request.params;
      const found = await request.inScope(async (scope) => {
        const name = await householdName(scope, id);
        return name === null ? null : { name, emails: await householdEmails(scope, id, ALL_EMAILS) };
      });
      if (!found) return reply.callNotFound();
      const title = request.t('household.emails.title', { household: found.name });
      return reply.page(
        title,
        <WholeList id={id} title={title}>
          <Emails base={`/gestion/foyers/${id}`} emails={found.emails} latest={false} />
        </WholeList>,
      );
    });
  };
}

function WholeList(props: { id: string; title: string; children: ComponentChildren }) {
  const page = usePage();
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.id}`)}>
          {page.t('household.requests.back')}
        </a>
      </p>
      <h1>{props.title}</h1>
      {props.children}
    </>
  );
}
