import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { countKey, formatters, type Translate } from '../../i18n/catalogue.js';
import { recordField } from '../../modules/households/record-fields.js';
import { childrenCsv, childrenRoster, type ChildrenRoster } from '../../modules/registers/children-register.js';
import {
  HOUSEHOLD_SORTS,
  HOUSEHOLDS_PER_PAGE,
  listHouseholds,
  registerChoices,
  type HouseholdFilter,
  type HouseholdLine,
  type HouseholdSort,
  type RegisterChoices,
} from '../../modules/registers/household-register.js';
import { householdsCsv, recordExport } from '../../modules/registers/register-exports.js';
import type { Scope } from '../../modules/scope.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { Pagination } from '../components/dsfr/pagination.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { formatRecordValue } from '../components/record-value.js';
import { sendAttachment } from '../downloads.js';
import { requireStaff } from '../guards.js';
import { IdChoice, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';

/**
 * Staff's lists, each on screen, printable (A4, no menu) and as a spreadsheet: every household
 * (paged, sorted, filtered by activity, group, school, pending requests), and the children of an
 * activity group by group with their health notes. Every download is written to the audit log.
 */

export const HOUSEHOLDS_PATH = '/gestion/foyers';
const CHILDREN_PATH = '/gestion/listes/enfants';
export const PRINT = 'impression';

/** The households list's address: the search, the filters, the order, the page and the printable view. */
export const HouseholdListQuery = Type.Object({
  q: Type.Optional(Text),
  activite: Type.Optional(IdChoice),
  groupe: Type.Optional(IdChoice),
  ecole: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000]*$' })),
  attente: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('')])),
  tri: Type.Optional(Type.Union(HOUSEHOLD_SORTS.map((sort) => Type.Literal(sort)))),
  ordre: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('')])),
  page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
  vue: Type.Optional(Type.Literal(PRINT)),
});
type HouseholdListInput = Static<typeof HouseholdListQuery>;

/** The children list's address: the activity, its group, the printable view. */
const ChildrenQuery = Type.Object({ activite: Type.Optional(IdChoice), groupe: Type.Optional(IdChoice), vue: Type.Optional(Type.Literal(PRINT)) });

/** The filter an address asks for; a group chosen names its activity. */
function filterOf(query: HouseholdListInput, choices: RegisterChoices): HouseholdFilter {
  const groupActivity = query.groupe ? choices.activities.find((activity) => activity.groups.some((group) => group.id === query.groupe)) : undefined;
  return {
    activityId: groupActivity?.id ?? (query.activite || undefined),
    groupId: groupActivity ? query.groupe : undefined,
    school: query.ecole?.trim() || undefined,
    pending: query.attente === '1',
    sort: query.tri ?? 'name',
    descending: query.ordre === 'desc',
  };
}

/** The filter written back into an address (`page` and `vue` apart). */
function filterParams(filter: HouseholdFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.activityId) params.activite = filter.activityId;
  if (filter.groupId) params.groupe = filter.groupId;
  if (filter.school) params.ecole = filter.school;
  if (filter.pending) params.attente = '1';
  if (filter.sort && filter.sort !== 'name') params.tri = filter.sort;
  if (filter.descending) params.ordre = 'desc';
  return params;
}

function withQuery(path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
}

export interface HouseholdListView {
  filter: HouseholdFilter;
  choices: RegisterChoices;
  lines: HouseholdLine[];
  total: number;
  page: number;
  printable: boolean;
}

/** The households list an address asks for: one page of it, or all of it for the printable view. */
export async function householdListView(scope: Scope, query: HouseholdListInput): Promise<HouseholdListView | null> {
  const choices = await registerChoices(scope);
  const filter = filterOf(query, choices);
  const printable = query.vue === PRINT;
  const page = Number(query.page ?? '1');
  const list = await listHouseholds(scope, filter, printable ? 'all' : { number: page, size: HOUSEHOLDS_PER_PAGE });
  if (!list) return null;
  return { filter, choices, lines: list.lines, total: list.total, page, printable };
}

/** A file of the lists: UTF-8 with its byte-order mark, `;`, as Excel opens it in France. */
export function sendCsv(reply: Parameters<typeof sendAttachment>[0], fileName: string, csv: string) {
  return sendAttachment(reply, fileName, 'text/csv; charset=utf-8', Buffer.from(csv, 'utf8'));
}

function classLevelOf(t: Translate, money: (cents: number) => string) {
  const def = recordField('child.class_level')!;
  return (level: string) => formatRecordValue(def, level, t, money);
}

export function staffRegisterRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(`${HOUSEHOLDS_PATH}/export.csv`, { preHandler: requireStaff(), schema: { querystring: HouseholdListQuery } }, async (request, reply) => {
      const fmt = formatters(request.lang, request.tenant!.time_zone);
      const csv = await request.inScope(async (scope) => {
        const choices = await registerChoices(scope);
        const filter = filterOf(request.query, choices);
        const list = await listHouseholds(scope, filter, 'all');
        if (!list) return null;
        await recordExport(scope, 'households', { filter: filterParams(filter), lines: list.lines.length });
        return householdsCsv(request.t, list.lines, fmt.money);
      });
      if (csv === null) return reply.callNotFound();
      return sendCsv(reply, `${request.t('registers.households.all')}.csv`, csv);
    });

    app.get(CHILDREN_PATH, { preHandler: requireStaff(), schema: { querystring: ChildrenQuery } }, async (request, reply) => {
      const { query } = request;
      const view = await request.inScope(async (scope) => ({
        choices: await registerChoices(scope),
        roster: query.activite ? await childrenRoster(scope, { activityId: query.activite, groupId: query.groupe || undefined }) : null,
      }));
      if (query.activite && !view.roster) return reply.callNotFound();
      return reply.page(
        request.t('registers.children.title'),
        <ChildrenPage
          choices={view.choices}
          roster={view.roster}
          activityId={query.activite ?? ''}
          groupId={query.groupe ?? ''}
          printable={query.vue === PRINT}
        />,
      );
    });

    app.get(`${CHILDREN_PATH}/export.csv`, { preHandler: requireStaff(), schema: { querystring: ChildrenQuery } }, async (request, reply) => {
      const { query } = request;
      if (!query.activite) return reply.callNotFound();
      const activityId = query.activite;
      const groupId = query.groupe || undefined;
      const fmt = formatters(request.lang, request.tenant!.time_zone);
      const roster = await request.inScope(async (scope) => {
        const found = await childrenRoster(scope, { activityId, groupId });
        if (found) await recordExport(scope, 'children', { filter: { activityId, groupId: groupId ?? null }, lines: found.children.length });
        return found;
      });
      if (!roster) return reply.callNotFound();
      const name = [roster.activityName, roster.groupName].filter(Boolean).join(' - ');
      return sendCsv(reply, `${name}.csv`, childrenCsv(request.t, roster, classLevelOf(request.t, fmt.money)));
    });
  };
}

/** "Printable version" and "Download", or, on the printable view, "Print" and the way back. */
export function ListActions(props: { screenPath: string; printPath: string; csvPath: string; printable: boolean }) {
  const page = usePage();
  const { t } = page;
  if (props.printable)
    return (
      <div class="pf-no-print fr-mb-3w">
        <p class="fr-text--sm">{t('registers.printHint')}</p>
        <button type="button" class="fr-btn fr-icon-printer-line fr-btn--icon-left pf-print-button fr-mr-2w" data-print="true" hidden>
          {t('registers.printNow')}
        </button>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, props.screenPath)}>
          {t('registers.backToList')}
        </a>
      </div>
    );
  return (
    <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left pf-no-print">
      <li>
        <ButtonLink variant="secondary" icon="fr-icon-printer-line" href={href(page, props.printPath)}>
          {t('registers.print')}
        </ButtonLink>
      </li>
      <li>
        <ButtonLink variant="secondary" icon="fr-icon-download-line" href={href(page, props.csvPath)}>
          {t('registers.download')}
        </ButtonLink>
      </li>
    </ul>
  );
}

/** The list of every household: filters, the count, the table sorted by its headers, the pages. */
export function HouseholdList(props: { view: HouseholdListView }) {
  const page = usePage();
  const { t, fmt } = page;
  const { filter, choices, lines, total, printable } = props.view;
  const params = filterParams(filter);
  const pages = Math.max(1, Math.ceil(total / HOUSEHOLDS_PER_PAGE));
  const pageLink = (number: number) => href(page, withQuery(HOUSEHOLDS_PATH, { ...params, ...(number > 1 ? { page: String(number) } : {}) }));
  const sortLabel = t(`registers.sort.${filter.sort ?? 'name'}`);
  const captionId = 'households-list-caption';
  return (
    <section class="pf-register" aria-labelledby="households-list-title">
      <h2 id="households-list-title">{t('registers.households.all')}</h2>
      {!printable && <HouseholdFilters filter={filter} choices={choices} />}
      <p class="fr-text--lg fr-mb-2w" aria-live="polite">
        <strong>{t(countKey('registers.households.count', total), { count: total })}</strong>
      </p>
      {printable && <p class="fr-text--sm">{t('registers.printedOn', { date: fmt.dateTime(page.now) })}</p>}
      <ListActions
        printable={printable}
        screenPath={withQuery(HOUSEHOLDS_PATH, params)}
        printPath={withQuery(HOUSEHOLDS_PATH, { ...params, vue: PRINT })}
        csvPath={withQuery(`${HOUSEHOLDS_PATH}/export.csv`, params)}
      />
      {lines.length === 0 ? (
        <p>{t('registers.households.none')}</p>
      ) : (
        <Table
          caption={t('registers.households.caption', { page: printable ? 1 : props.view.page, pages: printable ? 1 : pages, sort: sortLabel })}
          focusableId={captionId}
        >
          <thead>
            <tr>
              <SortHeader sort="number" label={t('staff.households.familyNumber')} filter={filter} />
              <SortHeader sort="name" label={t('staff.households.name')} filter={filter} />
              <SortHeader sort="children" label={t('registers.households.children')} filter={filter} numeric />
              <SortHeader sort="balance" label={t('registers.households.balance')} filter={filter} numeric />
              <SortHeader sort="pending" label={t('registers.households.pending')} filter={filter} numeric />
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id}>
                <td>{line.familyNumber}</td>
                <td>
                  <a href={href(page, `${HOUSEHOLDS_PATH}/${line.id}`)}>{line.name}</a>
                </td>
                <td class="pf-num">{line.children}</td>
                <td class="pf-num">{fmt.money(line.balanceCents)}</td>
                <td class="pf-num">{line.pendingRequests}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {!printable && <Pagination page={props.view.page} pages={pages} link={pageLink} />}
    </section>
  );
}

/** A column header that sorts the list by its column: ascending first, then the other way. */
function SortHeader(props: { sort: HouseholdSort; label: string; filter: HouseholdFilter; numeric?: boolean }) {
  const page = usePage();
  const { t } = page;
  const current = (props.filter.sort ?? 'name') === props.sort;
  const descending = current && !props.filter.descending;
  const link = href(page, withQuery(HOUSEHOLDS_PATH, filterParams({ ...props.filter, sort: props.sort, descending })));
  const state = current ? (props.filter.descending ? 'descending' : 'ascending') : undefined;
  return (
    <th scope="col" class={props.numeric ? 'pf-num' : undefined} {...(state ? { 'aria-sort': state } : {})}>
      <a href={link} class="pf-no-print-link">
        {props.label}
        <span class="fr-sr-only">
          {' — '}
          {state ? t(state === 'ascending' ? 'registers.sortedAscending' : 'registers.sortedDescending') : t('registers.sortBy', { column: props.label })}
        </span>
        {state && <span aria-hidden="true">{state === 'ascending' ? ' ▲' : ' ▼'}</span>}
      </a>
    </th>
  );
}

/** Activity, group, school, pending requests: a GET form, so a filtered list has its own address. */
function HouseholdFilters(props: { filter: HouseholdFilter; choices: RegisterChoices }) {
  const page = usePage();
  const { t } = page;
  const { filter, choices } = props;
  return (
    <form method="get" action={href(page, HOUSEHOLDS_PATH)} class="fr-mb-3w" aria-label={t('registers.households.filters')}>
      {filter.sort && filter.sort !== 'name' && <input type="hidden" name="tri" value={filter.sort} />}
      {filter.descending && <input type="hidden" name="ordre" value="desc" />}
      <div class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-4">
          <ActivitySelect choices={choices} value={filter.activityId ?? ''} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <GroupSelect choices={choices} value={filter.groupId ?? ''} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Select
            name="ecole"
            label={t('registers.filter.school')}
            value={filter.school ?? ''}
            options={[{ value: '', label: t('registers.filter.any') }, ...choices.schools.map((school) => ({ value: school, label: school }))]}
          />
        </div>
      </div>
      <div class="fr-checkbox-group fr-my-2w">
        <input type="checkbox" id="filter-pending" name="attente" value="1" checked={filter.pending} />
        <label class="fr-label" for="filter-pending">
          {t('registers.filter.pending')}
        </label>
      </div>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <Button variant="secondary" icon="fr-icon-filter-line">
            {t('registers.filter.apply')}
          </Button>
        </li>
        <li>
          <ButtonLink variant="tertiary" icon="fr-icon-close-line" href={href(page, HOUSEHOLDS_PATH)}>
            {t('registers.filter.reset')}
          </ButtonLink>
        </li>
      </ul>
    </form>
  );
}

function ActivitySelect(props: { choices: RegisterChoices; value: string; required?: boolean }) {
  const { t } = usePage();
  return (
    <Select
      name="activite"
      label={t('registers.filter.activity')}
      value={props.value}
      required={props.required}
      options={[
        { value: '', label: props.required ? t('setup.choose') : t('registers.filter.any') },
        ...props.choices.activities.map((activity) => ({ value: activity.id, label: activity.name })),
      ]}
    />
  );
}

/** The groups under their activity's name: a group alone says little ("3-5 ans" of which activity?). */
function GroupSelect(props: { choices: RegisterChoices; value: string }) {
  const { t } = usePage();
  return (
    <Select
      name="groupe"
      label={t('registers.filter.group')}
      value={props.value}
      options={[{ value: '', label: t('registers.filter.anyGroup') }]}
      groups={props.choices.activities
        .filter((activity) => activity.groups.length > 0)
        .map((activity) => ({ label: activity.name, options: activity.groups.map((group) => ({ value: group.id, label: group.name })) }))}
    />
  );
}

/** The children of an activity with their health notes: the choice of activity and group, then the list. */
function ChildrenPage(props: { choices: RegisterChoices; roster: ChildrenRoster | null; activityId: string; groupId: string; printable: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { roster, printable } = props;
  const params: Record<string, string> = { activite: props.activityId, ...(props.groupId ? { groupe: props.groupId } : {}) };
  return (
    <div class="pf-register">
      <h1>{roster && printable ? t('registers.children.caption', captionParams(t, roster)) : t('registers.children.title')}</h1>
      {!printable && (
        <>
          <p>{t('registers.children.intro')}</p>
          <form method="get" action={href(page, CHILDREN_PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
            <div class="fr-col-12 fr-col-md-5">
              <ActivitySelect choices={props.choices} value={props.activityId} required />
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <GroupSelect
                choices={{ ...props.choices, activities: props.choices.activities.filter((a) => a.id === props.activityId) }}
                value={props.groupId}
              />
            </div>
            <div class="fr-col-12 fr-col-md-3">
              <Button variant="secondary" icon="fr-icon-search-line">
                {t('registers.children.show')}
              </Button>
            </div>
          </form>
        </>
      )}
      {!roster ? (
        <p>{t('registers.children.choose')}</p>
      ) : (
        <>
          {!printable && <h2>{t('registers.children.caption', captionParams(t, roster))}</h2>}
          <p class="fr-text--lg">
            <strong>{t(countKey('registers.children.count', roster.children.length), { count: roster.children.length })}</strong>
          </p>
          {printable && <p class="fr-text--sm">{t('registers.printedOn', { date: fmt.dateTime(page.now) })}</p>}
          <ListActions
            printable={printable}
            screenPath={withQuery(CHILDREN_PATH, params)}
            printPath={withQuery(CHILDREN_PATH, { ...params, vue: PRINT })}
            csvPath={withQuery(`${CHILDREN_PATH}/export.csv`, params)}
          />
          {roster.children.length === 0 ? <p>{t('registers.children.none')}</p> : <ChildrenTable roster={roster} />}
        </>
      )}
    </div>
  );
}

function captionParams(t: Translate, roster: ChildrenRoster) {
  return { activity: roster.activityName, group: roster.groupName ?? t('registers.children.allGroups') };
}

function ChildrenTable(props: { roster: ChildrenRoster }) {
  const page = usePage();
  const { t, fmt } = page;
  const classLevel = classLevelOf(t, fmt.money);
  return (
    <Table caption={t('registers.children.caption', captionParams(t, props.roster))} noCaption focusableId="children-list-caption" class="pf-register-table">
      <thead>
        <tr>
          <th scope="col">{t('registers.children.child')}</th>
          <th scope="col">{t('registers.filter.group')}</th>
          <th scope="col">{t('registers.children.birthDate')}</th>
          <th scope="col">{t('registers.children.schooling')}</th>
          <th scope="col">{t('registers.children.household')}</th>
          <th scope="col">{t('registers.children.health')}</th>
        </tr>
      </thead>
      <tbody>
        {props.roster.children.map((child) => (
          <tr key={child.childId}>
            <td>
              <strong>{child.lastName}</strong> {child.firstName}
            </td>
            <td>{child.groupName ?? t('registers.children.noGroup')}</td>
            <td>{child.birthDate ? fmt.day(child.birthDate) : ''}</td>
            <td class="fr-cell--multiline">{[child.school, child.classLevel ? classLevel(child.classLevel) : null].filter(Boolean).join(' — ')}</td>
            <td>
              <a href={href(page, `${HOUSEHOLDS_PATH}/${child.householdId}`)}>{child.householdName}</a> ({child.familyNumber})
            </td>
            <td class="fr-cell--multiline">
              <HealthNotes child={child} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function HealthNotes(props: { child: ChildrenRoster['children'][number] }) {
  const { t } = usePage();
  const { child } = props;
  const notes = [
    child.allergies && t('registers.children.allergies', { text: child.allergies }),
    child.paiDetails && t('registers.children.paiDetails', { text: child.paiDetails }),
    child.diet && t('registers.children.diet', { text: child.diet }),
    child.healthNotes && t('registers.children.healthNotes', { text: child.healthNotes }),
  ].filter((note): note is string => Boolean(note));
  if (!child.pai && notes.length === 0) return <span class="fr-text-mention--grey">{t('registers.children.noHealthNote')}</span>;
  return (
    <>
      {child.pai && <p class="fr-badge fr-badge--sm fr-badge--warning fr-mb-1v">{t('registers.children.pai')}</p>}
      <ul class="pf-compact-list">
        {notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </>
  );
}
