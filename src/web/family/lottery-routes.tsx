import { Fragment } from 'preact';
import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BookingPeriod } from '../../modules/activities/activity-definitions.js';
import type { RefusalReason } from '../../modules/bookings/booking-requests.js';
import {
  householdLottery,
  withdrawApplications,
  type ApplicationAnswer,
  type HouseholdApplication,
  type HouseholdLottery,
  type LotteryCalendarView,
} from '../../modules/lottery/lottery-applications.js';
import type { Criterion } from '../../modules/lottery/lottery-criteria.js';
import type { LotterySettings } from '../../modules/lottery/lottery-settings.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { refusalText } from '../components/booking-status.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { Id, Many, many, Text } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { dayLabel } from '../calendar-labels.js';

const PeriodParams = Type.Object({ periodId: Id });

/** The answer to a withdrawal: how many applications were withdrawn, or that the period had closed. */
const LotteryQuery = Type.Object({
  retirees: Type.Optional(Type.String({ pattern: '^\\d{1,5}$' })),
  close: Type.Optional(Text),
});

/** Applications withdrawn one by one (`demande`), or all of a child's (`enfant`). */
const WithdrawForm = Type.Object({
  demande: Type.Optional(Many(Id)),
  enfant: Type.Optional(Id),
});

/**
 * The family's side of a lottery period: its applications (withdrawable until the close), the seed
 * and criteria the draw will use, and after the draw its results, place in the order and hash.
 */
export function familyLotteryRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.lottery, { preHandler: requireFamily, schema: { params: PeriodParams, querystring: LotteryQuery } }, async (request, reply) => {
      const { periodId } = request.params;
      const householdId = request.session!.account.householdId!;
      const lottery = await request.inScope((scope) => householdLottery(scope, householdId, periodId));
      if (!lottery) return reply.callNotFound();
      const { retirees, close } = request.query;
      const notice =
        retirees !== undefined
          ? { kind: 'success' as const, text: request.t('lottery.withdrawn', { count: Number(retirees) }) }
          : close !== undefined
            ? { kind: 'error' as const, text: request.t('lottery.withdrawClosed') }
            : null;
      return reply.page(request.t('lottery.title', { period: lottery.period.name }), <HouseholdLotteryPage lottery={lottery} notice={notice} />);
    });

    app.post(`${PAGES.lottery}/retirer`, { preHandler: requireFamily, schema: { params: PeriodParams, body: WithdrawForm } }, async (request, reply) => {
      const { periodId } = request.params;
      const ids = many(request.body.demande);
      const childId = request.body.enfant;
      if (ids.length === 0 && !childId) return reply.callNotFound();
      const householdId = request.session!.account.householdId!;
      const result = await request.inScope((scope) =>
        withdrawApplications(scope, { householdId, periodId, applicationIds: ids, ...(childId ? { childId } : {}) }),
      );
      if (result.kind === 'not_found') return reply.callNotFound();
      const back = `${request.base}${pagePath(PAGES.lottery, { periodId })}`;
      return reply.redirect(result.kind === 'closed' ? `${back}?close=1` : `${back}?retirees=${result.count}`);
    });
  };
}

const RESULT_TONES: Record<NonNullable<HouseholdApplication['result']>, BadgeTone> = {
  reserved: 'success',
  waitlisted: 'warning',
  refused: 'error',
  already: 'info',
};

function ApplicationStatus(props: { application: HouseholdApplication }) {
  const { t } = usePage();
  const { application } = props;
  if (!application.result) return <StatusBadge tone="new" label="lottery.pending" />;
  return (
    <>
      <StatusBadge tone={RESULT_TONES[application.result]} label={`lottery.result.${application.result}`} />
      {application.result === 'waitlisted' && application.rank && <span class="fr-text--xs fr-ml-1v">{t('booking.rank', { rank: application.rank })}</span>}
      {application.result === 'refused' && application.reason && (
        <span class="fr-text--xs fr-ml-1v">{refusalText(t, application.reason as RefusalReason)}</span>
      )}
    </>
  );
}

/** The seed, the criteria and the planned day, as every page of a lottery period shows them. */
export function LotteryFacts(props: { settings: LotterySettings | null; criteria?: Criterion[] }) {
  const { t, fmt } = usePage();
  const criteria = props.criteria ?? props.settings?.criteria ?? [];
  return (
    <>
      {props.settings ? (
        <p class="fr-text--sm">
          {t('lottery.seed', { date: fmt.dateTime(props.settings.seedPublishedAt) })} <code class="pf-seed">{props.settings.seed}</code>
          <span class="fr-hint-text">{t('lottery.seedHint')}</span>
        </p>
      ) : (
        <p class="fr-text--sm">{t('lottery.seedNone')}</p>
      )}
      {props.settings?.drawOn && <p class="fr-text--sm">{t('lottery.drawOn', { date: formatCalendarDate(props.settings.drawOn) })}</p>}
      <p class="fr-text--sm fr-mb-1v">
        <strong>{t('lottery.criteriaTitle')}</strong>
      </p>
      {criteria.length === 0 ? (
        <p class="fr-text--sm">{t('lottery.criteriaNone')}</p>
      ) : (
        <ol class="fr-text--sm">
          {criteria.map((criterion) => (
            <li key={criterion}>
              {t(`lottery.criterion.${criterion}`)} — <span class="fr-text--xs">{t(`lottery.criterion.${criterion}.hint`)}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** Above the calendar of a lottery period: how it works, until when, and the way to the household's applications. */
export function LotteryNotice(props: { view: LotteryCalendarView }) {
  const page = usePage();
  const { t, fmt } = page;
  const { period, settings } = props.view;
  const text = props.view.open
    ? t('lottery.notice.open', { closes: fmt.dateTime(period.closes_at) })
    : page.now < period.opens_at
      ? t('lottery.notice.notOpen', { opens: fmt.dateTime(period.opens_at), closes: fmt.dateTime(period.closes_at) })
      : t('lottery.notice.closed', { closes: fmt.dateTime(period.closes_at) });
  return (
    <div class="fr-callout fr-mb-4w">
      <h2 class="fr-callout__title fr-h5">{t('lottery.notice.title')}</h2>
      <p class="fr-callout__text fr-text--md">{text}</p>
      <LotteryFacts settings={settings} />
      <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, `/reservations/tirage/${period.id}`)}>
        {t('lottery.myApplications')}
      </a>
    </div>
  );
}

/** What the calendar's submit answers for a lottery period: each day asked recorded for the draw, or refused with its reason. */
export function LotteryAnswersPage(props: {
  answers: ApplicationAnswer[];
  names: Map<string, string>;
  units: Map<string, string>;
  period: BookingPeriod;
  settings: LotterySettings | null;
  back: string;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const recorded = props.settings?.drawOn
    ? t('lottery.answer.appliedOn', { date: formatCalendarDate(props.settings.drawOn) })
    : t('lottery.answer.appliedAfter', { date: fmt.dateTime(props.period.closes_at) });
  return (
    <>
      <h1>{t('lottery.answer.title')}</h1>
      <p>{t('lottery.answer.intro')}</p>
      <Table caption={t('lottery.answer.title')} class="fr-mb-4w">
        <thead>
          <tr>
            <th scope="col">{t('lottery.col.child')}</th>
            <th scope="col">{t('lottery.col.day')}</th>
            <th scope="col">{t('lottery.col.unit')}</th>
            <th scope="col">{t('lottery.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {props.answers.map((answer) => (
            <tr key={`${answer.childId}${answer.unitId}${answer.day}`}>
              <td>{props.names.get(answer.childId) ?? ''}</td>
              <td>{dayLabel(page.lang, answer.day)}</td>
              <td>{props.units.get(answer.unitId) ?? ''}</td>
              <td>
                {answer.outcome.kind === 'applied' && (
                  <>
                    <StatusBadge tone="success" label="lottery.applied" /> <span class="fr-text--sm">{recorded}</span>
                  </>
                )}
                {answer.outcome.kind === 'already' && (
                  <>
                    <StatusBadge tone="info" label="lottery.answer.already" /> <span class="fr-text--sm">{recorded}</span>
                  </>
                )}
                {answer.outcome.kind === 'refused' && (
                  <>
                    <StatusBadge tone="error" label="booking.status.refused" /> <span class="fr-text--sm">{refusalText(t, answer.outcome.reason)}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <a class="fr-btn fr-btn--secondary" href={href(page, `/reservations?${props.back}`)}>
            {t('bookings.backToCalendar')}
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href={href(page, `/reservations/tirage/${props.period.id}`)}>
            {t('lottery.myApplications')}
          </a>
        </li>
      </ul>
    </>
  );
}

function HouseholdLotteryPage(props: { lottery: HouseholdLottery; notice: { kind: 'success' | 'error'; text: string } | null }) {
  const page = usePage();
  const { t, fmt } = page;
  const { lottery } = props;
  const { period } = lottery;
  const open = lottery.state === 'open';
  const children = [...new Map(lottery.applications.map((application) => [application.childId, application.childName]))];
  const levelText = lottery.drawn
    ? lottery.criteria
        .filter((_, index) => lottery.drawn!.level[index] === 1)
        .map((criterion) => t(`lottery.criterion.${criterion}`))
        .join(', ') || t('lottery.levelNone')
    : '';
  const stateText: Record<HouseholdLottery['state'], string> = {
    not_open: t('lottery.notice.notOpen', { opens: fmt.dateTime(period.opens_at), closes: fmt.dateTime(period.closes_at) }),
    open: t('lottery.notice.open', { closes: fmt.dateTime(period.closes_at) }),
    closed: t('lottery.notice.closed', { closes: fmt.dateTime(period.closes_at) }),
    drawn: t('lottery.notice.drawn', { date: lottery.drawnAt ? fmt.dateTime(lottery.drawnAt) : '' }),
  };
  return (
    <>
      <h1>{t('lottery.title', { period: period.name })}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <p>{lottery.activityName}</p>
      <Alert kind={lottery.state === 'drawn' ? 'success' : 'info'} small>
        {stateText[lottery.state]}
      </Alert>
      {lottery.drawn && (
        <p class="fr-text--sm">{t('lottery.myDraw', { position: lottery.drawn.position, of: lottery.drawn.of, level: levelText, hash: lottery.drawn.hash })}</p>
      )}
      <LotteryFacts settings={lottery.settings} criteria={lottery.criteria} />
      {open && (
        <p>
          <a
            class="fr-btn fr-btn--secondary fr-icon-calendar-line fr-btn--icon-left"
            href={href(page, `/reservations?activite=${period.activity_id}&periode=${period.id}${children.map(([id]) => `&enfant=${id}`).join('')}`)}
          >
            {t('lottery.applyLink')}
          </a>
        </p>
      )}
      <h2 class="fr-h4">{t('lottery.myApplications')}</h2>
      {lottery.applications.length === 0 && <p>{t('lottery.none')}</p>}
      {children.map(([childId, childName]) => (
        <Fragment key={childId}>
          <Table caption={childName} class="fr-mb-1w">
            <thead>
              <tr>
                <th scope="col">{t('lottery.col.day')}</th>
                <th scope="col">{t('lottery.col.unit')}</th>
                <th scope="col">{t('lottery.col.status')}</th>
                {open && <th scope="col">{t('lottery.col.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {lottery.applications
                .filter((application) => application.childId === childId)
                .map((application) => (
                  <tr key={application.id}>
                    <td>{dayLabel(page.lang, application.day)}</td>
                    <td>{application.unitName}</td>
                    <td>
                      <ApplicationStatus application={application} />
                    </td>
                    {open && (
                      <td>
                        <form method="post" action={href(page, `/reservations/tirage/${period.id}/retirer`)} class="pf-inline-form">
                          <CsrfField />
                          <input type="hidden" name="demande" value={application.id} />
                          <Button variant="tertiary" class="fr-btn--sm">
                            {t('lottery.withdraw')}
                            <span class="fr-sr-only">
                              {' '}
                              — {childName} — {application.unitName} — {dayLabel(page.lang, application.day)}
                            </span>
                          </Button>
                        </form>
                      </td>
                    )}
                  </tr>
                ))}
            </tbody>
          </Table>
          {open && (
            <form method="post" action={href(page, `/reservations/tirage/${period.id}/retirer`)}>
              <CsrfField />
              <input type="hidden" name="enfant" value={childId} />
              <Button variant="tertiary" icon="fr-icon-delete-line" class="fr-btn--sm">
                {t('lottery.withdrawChild', { child: childName })}
              </Button>
            </form>
          )}
        </Fragment>
      ))}
      <p>
        <a class="fr-link" href={href(page, '/reservations/planning')}>
          {t('bookings.planning')}
        </a>
      </p>
    </>
  );
}
