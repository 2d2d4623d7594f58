import { countKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  ATTENDANCE_MARKS,
  attendanceCsv,
  attendanceLists,
  attendanceSites,
  markAttendance,
  tenantToday,
  type AttendanceList,
  type AttendanceMark,
  type SiteChoice,
} from '../../modules/bookings/attendance.js';
import { recordExport } from '../../modules/registers/register-exports.js';
import { recordUnbookedPresence, unbookedChoices, type UnbookedChoice } from '../../modules/bookings/unbooked-presence.js';
import type { Scope } from '../../modules/scope.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { requireStaff } from '../guards.js';
import { Form, formValues, Id, Text, UUID } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { BookingStatusBadge, noonOf, parseDay } from './booking-components.js';
import { Table } from '../components/dsfr/table.js';
import { PerRow } from './staff-input.js';
import { useCanChange } from './staff-access.js';

const PATH = '/gestion/presences';
/** The activities without a site, in a URL. */
const NO_SITE = 'aucune';

/** A site chosen in the list: one of the authority's, the activities without a site, or none yet (the first). */
const Site = Type.Optional(Type.Union([Id, Type.Literal(NO_SITE), Type.Literal('')]));
/** The lists' address: site, day as staff typed it (checked as the page reads it), the printable view, and what was just done. */
const ListsQuery = Type.Object({ site: Site, jour: Type.Optional(Text), vue: Type.Optional(Text), fait: Type.Optional(Text) });
/** The marks of a day's lists: each child's (`mark.<booking>`) among the marks known. */
const MarksForm = Type.Intersect([Type.Object({ site: Site, jour: Type.Optional(Text) }), PerRow('mark.', Type.Enum(ATTENDANCE_MARKS)), Form]);
/** A child who came without a booking, chosen as "<unit>:<child>" (or nothing chosen yet). */
const UnbookedForm = Type.Intersect([
  Type.Object({ site: Site, jour: Type.Optional(Text), enfant: Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: `^${UUID}:${UUID}$` })])) }),
  Form,
]);
/** The notice of the redirect after a child was added. */
const ADDED = 'sans-reservation';

interface AttendanceView {
  sites: { id: string; name: string }[];
  withoutSite: boolean;
  site: SiteChoice | null;
  siteName: string;
  day: string;
  today: string;
  lists: AttendanceList[];
  /** The children a manager may add, present without a booking, per unit open that day. */
  choices: UnbookedChoice[];
}

/** The add form sent back with its error: what was chosen, and why it was refused. */
interface UnbookedEntry {
  value: string;
  error: string;
}

/**
 * The day's attendance lists per site: every staff role reads, prints and downloads them;
 * managers mark each child present or absent (excused or not), on the day or later, and add a
 * child who came without a booking.
 */
export function staffBookingAttendanceRoutes(services: Services): FastifyPluginAsyncTypebox {
  const calendarOf = (request: FastifyRequest, scope: Scope) => services.calendars.forTenant(scope.tx, request.tenant!);

  return async (app) => {
    /**
     * The view for a site and a day (defaults: the first site, today), or null for an unknown site;
     * the children to add only for a page that offers them (not the spreadsheet, nor the print).
     */
    async function viewOf(
      request: FastifyRequest,
      scope: Scope,
      siteValue: string | undefined,
      dayValue: string | undefined,
      withChoices = true,
    ): Promise<AttendanceView | 'bad_day' | null> {
      const { sites, withoutSite } = await attendanceSites(scope);
      const today = await tenantToday(scope);
      const day = dayValue === undefined || dayValue === '' ? today : parseDay(dayValue);
      if (!day) return 'bad_day';
      let site: SiteChoice | null;
      if (siteValue === undefined || siteValue === '') site = sites[0]?.id ?? (withoutSite ? 'none' : null);
      else if (siteValue === NO_SITE) site = 'none';
      else site = siteValue;
      if (site === null) return { sites, withoutSite, site, siteName: '', day, today, lists: [], choices: [] };
      const lists = await attendanceLists(scope, { site, day });
      if (!lists) return null;
      const siteName = site === 'none' ? request.t('attendance.withoutSite') : (sites.find((candidate) => candidate.id === site)?.name ?? '');
      const choices = withChoices ? await unbookedChoices(scope, await calendarOf(request, scope), { site, day }) : [];
      return { sites, withoutSite, site, siteName, day, today, lists, choices };
    }

    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: ListsQuery } }, async (request, reply) => {
      const { query } = request;
      const printable = query.vue === 'impression';
      const view = await request.inScope((scope) => viewOf(request, scope, query.site, query.jour, !printable));
      if (view === null) return reply.callNotFound();
      if (view === 'bad_day') return reply.page(request.t('attendance.title'), <BadDay />, 400);
      const message = query.fait === ADDED ? { kind: 'success' as const, text: request.t('attendance.unbooked.added') } : undefined;
      return reply.page(request.t('attendance.title'), <AttendancePage view={view} printable={printable} message={message} />);
    });

    app.get(`${PATH}/export.csv`, { preHandler: requireStaff(), schema: { querystring: ListsQuery } }, async (request, reply) => {
      const { query } = request;
      const view = await request.inScope(async (scope) => {
        const found = await viewOf(request, scope, query.site, query.jour, false);
        if (found === null || found === 'bad_day' || found.site === null) return null;
        const lines = found.lists.reduce((sum, list) => sum + list.rows.length, 0);
        await recordExport(scope, 'attendance', { filter: { site: found.site, day: found.day }, lines });
        return found;
      });
      if (view === null) return reply.callNotFound();
      const csv = attendanceCsv(request.t, { day: view.day, siteName: view.siteName, lists: view.lists });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="presences-${view.day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });

    app.post(PATH, { preHandler: requireStaff('manager'), schema: { body: MarksForm } }, async (request, reply) => {
      const { body } = request;
      const marks: { bookingId: string; mark: AttendanceMark }[] = [];
      for (const [key, value] of Object.entries(formValues(body))) {
        // The schema let through only marks known, in fields named after a booking.
        const mark = ATTENDANCE_MARKS.find((candidate) => candidate === value);
        if (key.startsWith('mark.') && mark) marks.push({ bookingId: key.slice('mark.'.length), mark });
      }
      const outcome = await request.inScope(async (scope) => {
        const view = await viewOf(request, scope, body.site, body.jour, false);
        if (view === null || view === 'bad_day' || view.site === null) return null;
        const result = await markAttendance(scope, { site: view.site, day: view.day, marks });
        return { result, view: result.kind === 'done' ? ((await viewOf(request, scope, body.site, body.jour)) as AttendanceView) : view };
      });
      if (!outcome || outcome.result.kind === 'not_found') return reply.callNotFound();
      const { result, view } = outcome;
      if (result.kind === 'forbidden')
        return reply.page(
          request.t('attendance.title'),
          <AttendancePage view={view} printable={false} message={{ kind: 'error', text: request.t('attendance.readOnly') }} />,
          403,
        );
      if (result.kind === 'future_day')
        return reply.page(
          request.t('attendance.title'),
          <AttendancePage view={view} printable={false} message={{ kind: 'error', text: request.t('attendance.future') }} />,
          400,
        );
      return reply.page(
        request.t('attendance.title'),
        <AttendancePage
          view={view}
          printable={false}
          message={{ kind: 'success', text: request.t(countKey('attendance.saved', result.changed), { count: result.changed }) }}
        />,
      );
    });

    app.post(`${PATH}/sans-reservation`, { preHandler: requireStaff('manager'), schema: { body: UnbookedForm } }, async (request, reply) => {
      const { body } = request;
      const chosen = body.enfant ?? '';
      const [unitId = '', childId = ''] = chosen.split(':');
      const outcome = await request.inScope(async (scope) => {
        const before = await viewOf(request, scope, body.site, body.jour, false);
        if (before === null || before === 'bad_day' || before.site === null) return null;
        const result = await recordUnbookedPresence(scope, await calendarOf(request, scope), {
          site: before.site,
          day: before.day,
          choice: chosen === '' ? null : { unitId, childId },
        });
        // Shown again only when refused: a child added is seen on the page the redirect opens.
        return { result, view: result.kind === 'recorded' ? before : ((await viewOf(request, scope, body.site, body.jour)) as AttendanceView) };
      });
      if (!outcome || outcome.result.kind === 'not_found') return reply.callNotFound();
      const { result, view } = outcome;
      const title = request.t('attendance.title');
      switch (result.kind) {
        case 'recorded':
          return reply.redirect(`${request.base}${PATH}?site=${siteParam(view.site!)}&jour=${view.day}&fait=${ADDED}`);
        case 'forbidden':
          return reply.page(title, <AttendancePage view={view} printable={false} message={{ kind: 'error', text: request.t('attendance.readOnly') }} />, 403);
        case 'future_day':
          return reply.page(title, <AttendancePage view={view} printable={false} message={{ kind: 'error', text: request.t('attendance.future') }} />, 400);
        case 'invalid':
          return reply.page(
            title,
            <AttendancePage view={view} printable={false} unbooked={{ value: chosen, error: request.t(`attendance.unbooked.error.${result.error}`) }} />,
            400,
          );
      }
    });
  };
}

function BadDay() {
  const page = usePage();
  return (
    <>
      <h1>{page.t('attendance.title')}</h1>
      <Alert kind="error">{page.t('attendance.badDay')}</Alert>
      <a class="fr-link" href={href(page, PATH)}>
        {page.t('attendance.title')}
      </a>
    </>
  );
}

function siteParam(site: SiteChoice): string {
  return site === 'none' ? NO_SITE : site;
}

function AttendancePage(props: {
  view: AttendanceView;
  printable: boolean;
  message?: { kind: 'success' | 'error'; text: string } | undefined;
  unbooked?: UnbookedEntry;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { view } = props;
  if (view.site === null) {
    return (
      <>
        <h1>{t('attendance.title')}</h1>
        <p>{t('attendance.noSite')}</p>
      </>
    );
  }
  const query = `site=${siteParam(view.site)}&jour=${view.day}`;
  const canChange = useCanChange();
  const canMark = canChange && view.day <= view.today && !props.printable;
  const count = view.lists.reduce((sum, list) => sum + list.rows.length, 0);
  const siteOptions = [
    ...view.sites.map((site) => ({ value: site.id, label: site.name })),
    ...(view.withoutSite ? [{ value: NO_SITE, label: t('attendance.withoutSite') }] : []),
  ];
  return (
    <>
      <h1 class="fr-no-print">{t('attendance.title')}</h1>
      <p class="fr-no-print">{t('attendance.intro')}</p>
      <form method="get" action={href(page, PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w fr-no-print">
        <div class="fr-col-12 fr-col-md-5">
          <Select name="site" label={t('attendance.site')} value={siteParam(view.site)} options={siteOptions} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <DateInput name="jour" label={t('attendance.day')} value={view.day} hint={t('setup.dateHint')} />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary" icon="fr-icon-search-line">
            {t('attendance.show')}
          </Button>
        </div>
      </form>
      <h2>{t('attendance.listsOf', { site: view.siteName, date: fmt.longDate(noonOf(view.day)) })}</h2>
      {props.message && (
        <Alert kind={props.message.kind} announce>
          {props.message.text}
        </Alert>
      )}
      {props.printable && (
        <div class="fr-no-print">
          <Alert kind="info" small>
            {t('attendance.printHint')}
          </Alert>
          <button type="button" class="fr-btn fr-icon-printer-line fr-btn--icon-left pf-print-button fr-mb-2w" data-print="true" hidden>
            {t('attendance.print')}
          </button>
          <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `${PATH}?${query}`)}>
              {t('attendance.backToMarks')}
            </a>
          </p>
        </div>
      )}
      {count > 0 && !props.printable && (
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-no-print">
          <li>
            <ButtonLink variant="secondary" icon="fr-icon-printer-line" href={href(page, `${PATH}?${query}&vue=impression`)}>
              {t('attendance.print')}
            </ButtonLink>
          </li>
          <li>
            <ButtonLink variant="secondary" icon="fr-icon-download-line" href={href(page, `${PATH}/export.csv?${query}`)}>
              {t('attendance.download')}
            </ButtonLink>
          </li>
        </ul>
      )}
      {!canChange && !props.printable && (
        <Alert kind="info" small>
          {t('attendance.readOnly')}
        </Alert>
      )}
      {view.day > view.today && !props.printable && (
        <Alert kind="info" small>
          {t('attendance.future')}
        </Alert>
      )}
      {count === 0 ? (
        <p>{t('attendance.none')}</p>
      ) : canMark ? (
        <form method="post" action={href(page, PATH)}>
          <CsrfField />
          <input type="hidden" name="site" value={siteParam(view.site)} />
          <input type="hidden" name="jour" value={view.day} />
          {view.lists.map((list) => (
            <ListTable key={`${list.unitId}-${list.groupId ?? ''}`} list={list} canMark />
          ))}
          <Button icon="fr-icon-check-line" class="fr-no-print">
            {t('attendance.save')}
          </Button>
        </form>
      ) : (
        view.lists.map((list) => <ListTable key={`${list.unitId}-${list.groupId ?? ''}`} list={list} canMark={false} printable={props.printable} />)
      )}
      {canMark && <UnbookedSection view={view} site={view.site} entry={props.unbooked} />}
    </>
  );
}

/** Adding a child who came without a booking: one choice among the units open that day and their enrolled children not booked. */
function UnbookedSection(props: { view: AttendanceView; site: SiteChoice; entry: UnbookedEntry | undefined }) {
  const page = usePage();
  const { t } = page;
  const { view, entry } = props;
  const label = t('attendance.unbooked.child');
  return (
    <section class="fr-mt-6w fr-no-print" aria-labelledby="unbooked-title">
      <h2 id="unbooked-title" class="fr-h4">
        {t('attendance.unbooked.title')}
      </h2>
      <p>{t('attendance.unbooked.intro')}</p>
      {view.choices.length === 0 && !entry ? (
        <p>{t('attendance.unbooked.none')}</p>
      ) : (
        <>
          <ErrorSummary errors={{ enfant: entry?.error }} labels={{ enfant: label }} />
          <form method="post" action={href(page, `${PATH}/sans-reservation`)} novalidate class="fr-col-12 fr-col-md-8">
            <CsrfField />
            <input type="hidden" name="site" value={siteParam(props.site)} />
            <input type="hidden" name="jour" value={view.day} />
            <Select
              name="enfant"
              label={label}
              hint={t('attendance.unbooked.hint')}
              value={entry?.value}
              error={entry?.error}
              required
              options={[{ value: '', label: t('attendance.unbooked.choose') }]}
              groups={view.choices.map((choice) => ({
                label: t('attendance.unbooked.unitChoices', { activity: choice.activityName, unit: choice.unitName }),
                options: choice.children.map((child) => {
                  const name = `${child.lastName} ${child.firstName}`;
                  return {
                    value: `${choice.unitId}:${child.childId}`,
                    label: child.groupName ? t('attendance.unbooked.childChoice', { child: name, group: child.groupName }) : name,
                  };
                }),
              }))}
            />
            <Button icon="fr-icon-user-add-line">{t('attendance.unbooked.add')}</Button>
          </form>
        </>
      )}
    </section>
  );
}

function ListTable(props: { list: AttendanceList; canMark: boolean; printable?: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { list } = props;
  const caption = t(countKey('attendance.caption', list.rows.length), {
    activity: list.activityName,
    unit: list.unitName,
    group: list.groupName ?? t('occupancy.noGroup'),
    count: list.rows.length,
  });
  return (
    <section class="fr-mb-4w">
      <h3 class="fr-h5">{caption}</h3>
      <Table caption={caption} noCaption>
        <thead>
          <tr>
            <th scope="col">{t('attendance.child')}</th>
            <th scope="col">{t('attendance.birthDate')}</th>
            <th scope="col">{t('attendance.household')}</th>
            <th scope="col">{t('attendance.health')}</th>
            <th scope="col">{t('attendance.status')}</th>
            <th scope="col">{t('attendance.mark')}</th>
          </tr>
        </thead>
        <tbody>
          {list.rows.map((row) => {
            const child = `${row.lastName} ${row.firstName}`;
            return (
              <tr key={row.bookingId}>
                <td>
                  <strong>{row.lastName}</strong> {row.firstName}
                </td>
                <td>{row.birthDate ? fmt.shortDate(noonOf(row.birthDate)) : ''}</td>
                <td>{row.householdName}</td>
                <td>
                  {row.pai && <p class="fr-badge fr-badge--sm fr-badge--warning">{t('attendance.pai')}</p>}
                  {row.allergies && <span class="fr-text--xs"> {t('attendance.allergies', { allergies: row.allergies })}</span>}
                  {row.diet && <span class="fr-text--xs"> {t('attendance.diet', { diet: row.diet })}</span>}
                </td>
                <td>
                  <BookingStatusBadge status={row.status} />
                  {row.unbooked && <p class="fr-badge fr-badge--sm fr-mt-1v">{t('attendance.unbooked')}</p>}
                </td>
                <td>
                  {props.canMark ? (
                    <fieldset class="fr-fieldset fr-mb-0" id={`mark-${row.bookingId}`} aria-labelledby={`mark-${row.bookingId}-legend`}>
                      <legend class="fr-fieldset__legend fr-sr-only" id={`mark-${row.bookingId}-legend`}>
                        {t('attendance.markOf', { child })}
                      </legend>
                      {ATTENDANCE_MARKS.map((mark) => (
                        <div class="fr-fieldset__element" key={mark}>
                          <div class="fr-radio-group fr-radio-group--sm">
                            <input
                              type="radio"
                              id={`mark-${row.bookingId}-${mark}`}
                              name={`mark.${row.bookingId}`}
                              value={mark}
                              checked={row.status === mark}
                            />
                            <label class="fr-label" for={`mark-${row.bookingId}-${mark}`}>
                              {t(`attendance.mark.${mark}`)}
                            </label>
                          </div>
                        </div>
                      ))}
                    </fieldset>
                  ) : props.printable ? (
                    <span>
                      ☐ {t('attendance.mark.present')} ☐ {t('attendance.mark.absent_excused')} ☐ {t('attendance.mark.absent_billed')}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </section>
  );
}
