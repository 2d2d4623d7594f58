import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { countKey, periodKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import { giveLeftoverPlaces, type Leftover } from '../../modules/lottery/lottery-leftovers.js';
import { Table } from '../components/dsfr/table.js';
import { dayLabel } from '../calendar-labels.js';
import { CRITERIA, type Criterion } from '../../modules/lottery/lottery-criteria.js';
import { runLottery, type DrawResult } from '../../modules/lottery/lottery-draw.js';
import { applicationsCsv, drawExport, householdsCsv, staffLottery, type DrawExport, type StaffLottery } from '../../modules/lottery/lottery-export.js';
import {
  CRITERIA_RANKS,
  loadLotteryPeriod,
  publishSeed,
  saveLotterySettings,
  settingsFormValues,
  type SettingsError,
  type SettingsField,
} from '../../modules/lottery/lottery-settings.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { fieldId, DateInput, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, Id } from '../page-input.js';
import { ACTIVITIES_PATH, BackToActivity, type FormValues, type Notice, one, SetupTable } from './activity-common.js';
import { asTyped } from './activity-pages.js';
import { NoticeQuery } from './staff-input.js';
import { useCanChange } from './staff-access.js';

/**
 * The lottery of a booking period, under the period in /gestion/activites: the authority's
 * criteria, the seed, the applications counted, "Lancer le tirage" once after the close, the
 * result and its exports. Every staff role reads; managers and administrators act.
 */

type SettingsErrors = Partial<Record<SettingsField, SettingsError>>;

const pathOf = (activityId: string, periodId: string) => `${ACTIVITIES_PATH}/${activityId}/periodes/${periodId}/tirage`;

const PeriodParams = Type.Object({ id: Id, periodId: Id });

export function staffLotteryRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager'), schema: { params: PeriodParams, body: Form } };
    const reader = { preHandler: requireStaff(), schema: { params: PeriodParams } };
    const back = (request: FastifyRequest, reply: FastifyReply, id: string, periodId: string, notice: string) =>
      reply.redirect(`${request.base}${pathOf(id, periodId)}?fait=${notice}`);

    const page = async (
      request: FastifyRequest,
      reply: FastifyReply,
      at: { id: string; periodId: string },
      notice: string | undefined,
      values: FormValues | null,
      errors: SettingsErrors = {},
      refused: Record<string, string> | null = null,
    ) => {
      const view = await request.inScope((scope) => staffLottery(scope, at.id, at.periodId));
      if (!view) return reply.errorPage('notFound');
      const shown = values ?? settingsFormValues(view.lottery.settings);
      const messages: Record<string, string> = { ...refused };
      for (const [field, code] of Object.entries(errors) as [SettingsField, SettingsError][]) messages[field] = request.t(`lottery.error.${code}`);
      return reply.page(
        request.t('lottery.staff.title', { period: view.lottery.period.name }),
        <LotteryPage view={view} values={shown} errors={messages} notice={noticeOf(request.t, notice)} />,
        Object.keys(messages).length > 0 ? 400 : 200,
      );
    };

    app.get(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage`, { ...reader, schema: { ...reader.schema, querystring: NoticeQuery } }, async (request, reply) =>
      page(request, reply, request.params, request.query.fait, null),
    );

    // A text too long for the form's schema comes back next to its field (attachValidation), as the module's errors do.
    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage/reglages`, { ...manager, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const { id, periodId } = request.params;
      const form = request.body;
      if (refused) return page(request, reply, request.params, undefined, form, {}, refused);
      const result = await request.inScope((scope) => saveLotterySettings(scope, id, periodId, form));
      if (result.kind === 'not_found' || result.kind === 'forbidden') return reply.errorPage('notFound');
      if (result.kind === 'closed') return back(request, reply, id, periodId, 'closed');
      if (result.kind === 'invalid') return page(request, reply, request.params, undefined, form, result.errors);
      return back(request, reply, id, periodId, 'saved');
    });

    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage/graine`, manager, async (request, reply) => {
      const { id, periodId } = request.params;
      const result = await request.inScope((scope) => publishSeed(scope, id, periodId));
      if (result === 'not_found' || result === 'forbidden') return reply.errorPage('notFound');
      return back(request, reply, id, periodId, result);
    });

    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage/lancer`, manager, async (request, reply) => {
      const { id, periodId } = request.params;
      const tenant = request.tenant!;
      const result: DrawResult = await request.inScope(async (scope) => {
        if (!(await loadLotteryPeriod(scope, periodId, id))) return { kind: 'not_found' } as const;
        return runLottery(scope, periodId, { mail: { tenantName: tenant.name, baseUrl: request.publicBase } });
      });
      if (result.kind === 'not_found' || result.kind === 'forbidden') return reply.errorPage('notFound');
      if (result.kind === 'drawn') return back(request, reply, id, periodId, `drawn-${result.households}-${result.applications}`);
      return back(request, reply, id, periodId, result.kind);
    });

    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage/places-restantes`, manager, async (request, reply) => {
      const { id, periodId } = request.params;
      const result = await request.inScope(async (scope) => {
        const lottery = await loadLotteryPeriod(scope, periodId, id);
        return lottery?.drawnAt ? giveLeftoverPlaces(scope, lottery.period) : ({ kind: 'not_found' } as const);
      });
      if (result.kind !== 'given') return reply.errorPage('notFound');
      return back(request, reply, id, periodId, `leftovers-${result.places}`);
    });

    const download = (reply: FastifyReply, type: string, name: string, body: string) =>
      reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);
    const exports: [string, string, (t: Translate, file: DrawExport) => string, string][] = [
      ['ordre.csv', 'text/csv; charset=utf-8', householdsCsv, 'tirage-ordre'],
      ['resultats.csv', 'text/csv; charset=utf-8', applicationsCsv, 'tirage-resultats'],
      ['tirage.json', 'application/json; charset=utf-8', (_t, file) => `${JSON.stringify(file, null, 2)}\n`, 'tirage'],
    ];
    for (const [name, type, write, prefix] of exports) {
      app.get(`${ACTIVITIES_PATH}/:id/periodes/:periodId/tirage/${name}`, reader, async (request, reply) => {
        const file = await request.inScope((scope) => drawExport(scope, request.params.id, request.params.periodId));
        if (!file) return reply.errorPage('notFound');
        return download(reply, type, `${prefix}-${file.period.id}.${name.split('.')[1]}`, write(request.t, file));
      });
    }
  };
}

function noticeOf(t: Translate, done = ''): Notice | null {
  const drawn = /^drawn-(\d{1,7})-(\d{1,9})$/.exec(done);
  if (drawn) return { kind: 'success', text: t('lottery.staff.notice.drawn', { households: Number(drawn[1]), applications: Number(drawn[2]) }) };
  const leftovers = /^leftovers-(\d{1,7})$/.exec(done);
  if (leftovers) {
    const count = Number(leftovers[1]);
    return { kind: count > 0 ? 'success' : 'error', text: t(countKey('lottery.staff.notice.leftovers', count), { count }) };
  }
  const notice = NOTICES.get(done);
  return notice ? { kind: notice[0], text: t(notice[1]) } : null;
}

/** What the redirects after a change write in `?fait=`, and the notice each gives. */
const NOTICES = new Map<string, [Notice['kind'], MessageKey]>([
  ['saved', ['success', 'lottery.staff.notice.saved']],
  ['published', ['success', 'lottery.staff.notice.published']],
  ['already', ['error', 'lottery.staff.notice.already']],
  ['closed', ['error', 'lottery.staff.notice.closed']],
  ['already_drawn', ['error', 'lottery.staff.notice.already_drawn']],
  ['not_closed', ['error', 'lottery.staff.notice.not_closed']],
  ['no_seed', ['error', 'lottery.staff.notice.no_seed']],
]);

function stateOf(view: StaffLottery, now: Date): 'not_open' | 'open' | 'closed' | 'drawn' {
  const { period } = view.lottery;
  if (view.draw) return 'drawn';
  return now < period.opens_at ? 'not_open' : now < period.closes_at ? 'open' : 'closed';
}

function LotteryPage(props: { view: StaffLottery; values: FormValues; errors: Record<string, string>; notice: Notice | null }) {
  const page = usePage();
  const { t, fmt } = page;
  const canEdit = useCanChange();
  const { view } = props;
  const { period, settings } = view.lottery;
  const state = stateOf(view, page.now);
  const base = pathOf(period.activity_id, period.id);
  const criterionName = (criterion: Criterion) => t(`lottery.criterion.${criterion}`);
  const levelText = (criteria: Criterion[], level: number[]) =>
    criteria
      .filter((_, index) => level[index] === 1)
      .map(criterionName)
      .join(', ') || t('lottery.levelNone');
  const labels: Record<string, string> = {
    criteria: t('lottery.field.criteria'),
    residentPostcodes: t('lottery.field.residentPostcodes'),
    quotientThreshold: t('lottery.field.quotientThreshold'),
    drawOn: t('lottery.field.drawOn'),
  };
  const editable = canEdit && (state === 'not_open' || state === 'open');
  const criteriaError = props.errors.criteria;
  return (
    <>
      <BackToActivity activity={{ id: period.activity_id, name: view.lottery.activityName }} anchor="periodes" />
      <h1>{t('lottery.staff.title', { period: period.name })}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <p>
        {t(periodKey('lottery.staff.window', period.first_day, period.last_day), {
          opens: fmt.dateTime(period.opens_at),
          closes: fmt.dateTime(period.closes_at),
          from: formatCalendarDate(period.first_day),
          to: formatCalendarDate(period.last_day),
        })}{' '}
        <span class={`fr-badge fr-badge--sm fr-badge--${state === 'drawn' ? 'success' : state === 'closed' ? 'warning' : 'info'}`}>
          {t(`lottery.staff.state.${state}`)}
        </span>
      </p>

      <h2 class="fr-h4">{t('lottery.staff.seedTitle')}</h2>
      {settings ? (
        <p>
          {t('lottery.staff.seedPublished', { date: fmt.dateTime(settings.seedPublishedAt) })} <code class="pf-seed">{settings.seed}</code>
        </p>
      ) : (
        <>
          <p>{t('lottery.staff.seedMissing')}</p>
          {editable && (
            <form method="post" action={href(page, `${base}/graine`)}>
              <CsrfField />
              <Button variant="secondary" icon="fr-icon-lock-line">
                {t('lottery.staff.publishSeed')}
              </Button>
            </form>
          )}
        </>
      )}

      <h2 class="fr-h4 fr-mt-4w">{t('lottery.staff.settingsTitle')}</h2>
      <p class="fr-text--sm">{t('lottery.staff.settingsIntro')}</p>
      {editable ? (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-8">
            <ErrorSummary errors={props.errors} labels={labels} />
            <form method="post" action={href(page, `${base}/reglages`)} novalidate>
              <CsrfField />
              <fieldset
                class={`fr-fieldset${criteriaError ? ' fr-fieldset--error' : ''}`}
                id={fieldId('criteria')}
                aria-labelledby={`${fieldId('criteria')}-legend${criteriaError ? ` ${fieldId('criteria')}-error` : ''}`}
              >
                <legend class="fr-fieldset__legend" id={`${fieldId('criteria')}-legend`}>
                  {labels.criteria}
                </legend>
                {Array.from({ length: CRITERIA_RANKS }, (_, index) => (
                  <div class="fr-fieldset__element" key={index}>
                    <Select
                      name={`criterion${index + 1}`}
                      label={t('lottery.staff.rank', { rank: index + 1 })}
                      value={one(props.values, `criterion${index + 1}`)}
                      options={[
                        { value: '', label: t('lottery.staff.noCriterion') },
                        ...CRITERIA.map((criterion) => ({ value: criterion, label: criterionName(criterion) })),
                      ]}
                    />
                  </div>
                ))}
                {criteriaError && (
                  <div class="fr-messages-group" id={`${fieldId('criteria')}-error`}>
                    <p class="fr-message fr-message--error">{criteriaError}</p>
                  </div>
                )}
              </fieldset>
              <ul class="fr-text--sm">
                {CRITERIA.map((criterion) => (
                  <li key={criterion}>
                    <strong>{criterionName(criterion)}</strong>
                    {t('punct.colon')}
                    {t(`lottery.criterion.${criterion}.hint`)}
                  </li>
                ))}
              </ul>
              <Input
                name="residentPostcodes"
                label={labels.residentPostcodes!}
                hint={t('lottery.field.residentPostcodes.hint')}
                value={one(props.values, 'residentPostcodes')}
                error={props.errors.residentPostcodes}
                maxLength={1000}
              />
              <Input
                name="quotientThreshold"
                label={labels.quotientThreshold!}
                hint={t('lottery.field.quotientThreshold.hint')}
                inputMode="numeric"
                value={one(props.values, 'quotientThreshold')}
                error={props.errors.quotientThreshold}
              />
              <DateInput
                name="drawOn"
                label={labels.drawOn!}
                hint={t('lottery.field.drawOn.hint')}
                value={asTyped(one(props.values, 'drawOn'))}
                error={props.errors.drawOn}
              />
              <Button icon="fr-icon-save-line">{t('lottery.staff.save')}</Button>
            </form>
          </div>
        </div>
      ) : (
        <>
          {state !== 'not_open' && state !== 'open' && <p class="fr-text--sm">{t('lottery.staff.frozen')}</p>}
          <CriteriaList criteria={settings?.criteria ?? []} />
          {settings?.criteria.includes('resident') && (
            <p class="fr-text--sm">
              {labels.residentPostcodes}
              {t('punct.colon')}
              {settings.residentPostcodes.join(', ')}
            </p>
          )}
          {settings?.criteria.includes('low_quotient') && (
            <p class="fr-text--sm">
              {labels.quotientThreshold}
              {t('punct.colon')}
              {settings.quotientThreshold}
            </p>
          )}
        </>
      )}

      <h2 class="fr-h4 fr-mt-4w">{t('lottery.staff.applicationsTitle')}</h2>
      <p>{t('lottery.staff.counts', view.counts)}</p>

      <h2 class="fr-h4 fr-mt-4w">{t('lottery.staff.drawTitle')}</h2>
      {view.draw ? (
        <DrawResultSection view={view} levelText={levelText} base={base} />
      ) : state === 'closed' ? (
        canEdit && (
          <form method="post" action={href(page, `${base}/lancer`)}>
            <CsrfField />
            <p class="fr-text--sm">{t('lottery.staff.runHint')}</p>
            <Button icon="fr-icon-play-line">{t('lottery.staff.run')}</Button>
          </form>
        )
      ) : (
        <p>{t('lottery.staff.notClosed', { closes: fmt.dateTime(period.closes_at) })}</p>
      )}
    </>
  );
}

/** The days a draw left places free while children wait, and the button that gives them. */
function Leftovers(props: { leftovers: Leftover[]; base: string }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  if (props.leftovers.length === 0) return <p>{t('lottery.staff.leftovers.none')}</p>;
  return (
    <section class="fr-mb-4w" aria-labelledby="leftovers-title">
      <h3 class="fr-h5" id="leftovers-title">
        {t('lottery.staff.leftovers.title')}
      </h3>
      <p>{t('lottery.staff.leftovers.why')}</p>
      <Table caption={t('lottery.staff.leftovers.caption')} noCaption>
        <thead>
          <tr>
            <th scope="col">{t('lottery.staff.leftovers.day')}</th>
            <th scope="col">{t('lottery.staff.leftovers.unit')}</th>
            <th scope="col" class="pf-num">
              {t('lottery.staff.leftovers.free')}
            </th>
            <th scope="col" class="pf-num">
              {t('lottery.staff.leftovers.waiting')}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.leftovers.map((leftover) => (
            <tr key={`${leftover.day}-${leftover.unitId}`}>
              <td>{dayLabel(page.lang, leftover.day)}</td>
              <td>{leftover.unitName}</td>
              <td class="pf-num">{leftover.free}</td>
              <td class="pf-num">{leftover.waiting}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {canChange && (
        <form method="post" action={href(page, `${props.base}/places-restantes`)}>
          <CsrfField />
          <p class="fr-hint-text">{t('lottery.staff.leftovers.giveHint')}</p>
          <Button>{t('lottery.staff.leftovers.give')}</Button>
        </form>
      )}
    </section>
  );
}

export function CriteriaList(props: { criteria: Criterion[] }) {
  const { t } = usePage();
  if (props.criteria.length === 0) return <p>{t('lottery.criteriaNone')}</p>;
  return (
    <ol>
      {props.criteria.map((criterion) => (
        <li key={criterion}>{t(`lottery.criterion.${criterion}`)}</li>
      ))}
    </ol>
  );
}

function DrawResultSection(props: { view: StaffLottery; levelText: (criteria: Criterion[], level: number[]) => string; base: string }) {
  const page = usePage();
  const { t, fmt } = page;
  const draw = props.view.draw!;
  const criteria = props.view.lottery.settings?.criteria ?? [];
  return (
    <>
      <p>{t('lottery.staff.drawnOn', { date: fmt.dateTime(draw.drawnAt), by: draw.drawnBy ?? '—' })}</p>
      <p>{t('lottery.staff.resultCounts', draw.results)}</p>
      <Leftovers leftovers={draw.leftovers} base={props.base} />
      <h3 class="fr-h5">{t('lottery.staff.exportTitle')}</h3>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={href(page, `${props.base}/ordre.csv`)}>
            {t('lottery.staff.exportHouseholds')}
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={href(page, `${props.base}/resultats.csv`)}>
            {t('lottery.staff.exportApplications')}
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary fr-icon-download-line fr-btn--icon-left" href={href(page, `${props.base}/tirage.json`)}>
            {t('lottery.staff.exportJson')}
          </a>
        </li>
      </ul>
      <p class="fr-text--sm">{t('lottery.staff.recheck')}</p>
      <h3 class="fr-h5">{t('lottery.staff.orderTitle')}</h3>
      {draw.order.length < draw.households && <p class="fr-text--sm">{t('lottery.staff.orderShown', { shown: draw.order.length, total: draw.households })}</p>}
      <SetupTable
        caption={t('lottery.staff.orderTitle')}
        headers={[
          t('lottery.staff.col.position'),
          t('lottery.staff.col.household'),
          t('lottery.staff.col.level'),
          t('lottery.staff.col.hash'),
          t('lottery.staff.col.reserved'),
          t('lottery.staff.col.waitlisted'),
          t('lottery.staff.col.refused'),
        ]}
      >
        {draw.order.map((row) => (
          <tr key={row.householdId}>
            <td>{row.position}</td>
            <td>
              {row.name ? <a href={href(page, `/gestion/foyers/${row.householdId}`)}>{row.name}</a> : row.householdId}
              {row.familyNumber && <span class="fr-text--xs"> ({row.familyNumber})</span>}
            </td>
            <td>
              {props.levelText(criteria, row.level)} <span class="fr-text--xs">[{row.level.join('-')}]</span>
            </td>
            <td>
              <code class="pf-hash" title={row.hash}>
                {row.hash.slice(0, 12)}…
              </code>
            </td>
            <td>{row.reserved}</td>
            <td>{row.waitlisted}</td>
            <td>{row.refused}</td>
          </tr>
        ))}
      </SetupTable>
    </>
  );
}
