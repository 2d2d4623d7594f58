import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { isMessageKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import {
  JOURNAL_KINDS,
  type JournalActor,
  type JournalEntry,
  type JournalFilter,
  type JournalKind,
  journalStaff,
  readJournal,
} from '../../modules/journal/journal.js';
import { calendarDate, isUuidText } from '../../modules/validation/fields.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { FIELD_ERROR_KEYS } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Text } from '../page-input.js';

const PATH = '/gestion/journal';

/** The journal's address: its filters in the words of the page (qui, type, objet, du, au) and its page. */
const JournalQuery = Type.Object({
  qui: Type.Optional(Text),
  type: Type.Optional(Text),
  objet: Type.Optional(Text),
  du: Type.Optional(Text),
  au: Type.Optional(Text),
  page: Type.Optional(Text),
});
type Query = Static<typeof JournalQuery>;

/** The audit log as staff read it: who did what, to what, when, in words, filtered and paged. */
export function staffJournalRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: JournalQuery } }, async (request, reply) => {
      const { filter, errors } = filterOf(request.query);
      const found = await request.inScope(async (scope) => ({
        journal: Object.keys(errors).length === 0 ? await readJournal(scope, filter) : { entries: [], hasMore: false },
        staff: await journalStaff(scope),
      }));
      if (!found.journal) return reply.errorPage('forbidden');
      const messages = Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, request.t(key)]));
      return reply.page(
        request.t('journal.title'),
        <JournalPage
          query={request.query}
          filter={filter}
          errors={messages}
          entries={found.journal.entries}
          hasMore={found.journal.hasMore}
          staff={found.staff}
        />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    });
  };
}

/** The filter the address asks for, and what in it cannot be read (a date), by field. */
function filterOf(query: Query): { filter: JournalFilter; errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const from = calendarDate(query.du);
  const to = calendarDate(query.au);
  if (!from.ok) errors.du = FIELD_ERROR_KEYS.date;
  if (!to.ok) errors.au = FIELD_ERROR_KEYS.date;
  if (from.ok && to.ok && from.value && to.value && from.value > to.value) errors.au = 'journal.badDates';
  const page = Math.min(Math.max(Number.parseInt(query.page ?? '1', 10) || 1, 1), 10_000) - 1;
  const filter: JournalFilter = { page };
  const actor = actorOf(query.qui);
  if (actor) filter.actor = actor;
  if ((JOURNAL_KINDS as readonly string[]).includes(query.type ?? '')) filter.kind = query.type as JournalKind;
  if (query.objet && isUuidText(query.objet)) filter.objectId = query.objet.toLowerCase();
  if (from.ok && from.value) filter.from = from.value;
  if (to.ok && to.value) filter.to = to.value;
  return { filter, errors };
}

function actorOf(who: string | undefined): JournalActor | undefined {
  if (who === 'familles') return { kind: 'families' };
  if (who === 'portail') return { kind: 'system' };
  return who && isUuidText(who) ? { kind: 'account', accountId: who.toLowerCase() } : undefined;
}

/** What happened, in words: the action's own label, or a booking's move from one state to another. */
function actionText(t: Translate, entry: JournalEntry): string {
  if (entry.source === 'booking') {
    const status = (value: unknown) => {
      const key = `booking.status.${String(value)}`;
      return isMessageKey(key) ? t(key) : String(value);
    };
    return entry.details.from
      ? t('journal.bookingChange', { from: status(entry.details.from), to: status(entry.details.to) })
      : t('journal.bookingNew', { to: status(entry.details.to) });
  }
  const key = `journal.action.${entry.action}`;
  return isMessageKey(key) ? t(key) : entry.action;
}

/** A booking event's reason: the service's words, or a code the portal writes (staff passing a deadline) in words. */
function reasonText(t: Translate, reason: string): string {
  const key = `journal.reasonCode.${reason}`;
  return isMessageKey(key) ? t(key) : reason;
}

function objectText(t: Translate, entry: JournalEntry): string {
  if (!entry.objectType) return '';
  const key = `journal.objectType.${entry.objectType}`;
  const type = isMessageKey(key) ? t(key) : entry.objectType;
  return entry.objectName ? `${type} — ${entry.objectName}` : type;
}

function JournalPage(props: {
  query: Query;
  filter: JournalFilter;
  errors: Record<string, string>;
  entries: JournalEntry[];
  hasMore: boolean;
  staff: { id: string; name: string }[];
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { query, filter } = props;
  const linkTo = (changes: Partial<Query>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...query, ...changes })) if (value) params.set(name, value);
    const search = params.toString();
    return href(page, search ? `${PATH}?${search}` : PATH);
  };
  const pageNumber = filter.page + 1;
  const objectName = filter.objectId ? props.entries.find((entry) => entry.objectId === filter.objectId)?.objectName : undefined;
  return (
    <>
      <h1>{t('journal.title')}</h1>
      <ErrorSummary errors={props.errors} labels={{ du: t('journal.from'), au: t('journal.to') }} />
      <p>{t('journal.intro')}</p>
      <form method="get" action={href(page, PATH)} class="fr-mb-3w" aria-label={t('journal.filters')}>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Select
              name="qui"
              label={t('journal.who')}
              value={query.qui}
              options={[
                { value: '', label: t('journal.who.anyone') },
                { value: 'familles', label: t('journal.who.families') },
                { value: 'portail', label: t('journal.who.system') },
              ]}
              groups={[{ label: t('journal.who.staff'), options: props.staff.map((member) => ({ value: member.id, label: member.name })) }]}
            />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select
              name="type"
              label={t('journal.kind')}
              value={query.type}
              options={[{ value: '', label: t('journal.kind.any') }, ...JOURNAL_KINDS.map((kind) => ({ value: kind, label: t(`journal.kind.${kind}`) }))]}
            />
          </div>
          <div class="fr-col-6 fr-col-md-2">
            <DateInput name="du" label={t('journal.from')} hint={t('journal.dateHint')} value={query.du} error={props.errors.du} />
          </div>
          <div class="fr-col-6 fr-col-md-2">
            <DateInput name="au" label={t('journal.to')} hint={t('journal.dateHint')} value={query.au} error={props.errors.au} />
          </div>
        </div>
        {filter.objectId && <input type="hidden" name="objet" value={filter.objectId} />}
        {filter.objectId && <p class="fr-text--bold">{objectName ? t('journal.objectFilter', { name: objectName }) : t('journal.objectFilter.unnamed')}</p>}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <Button>{t('journal.apply')}</Button>
          </li>
          <li>
            <ButtonLink href={href(page, PATH)} variant="secondary">
              {t('journal.reset')}
            </ButtonLink>
          </li>
        </ul>
      </form>
      {props.entries.length === 0 ? (
        <p>{t('journal.none')}</p>
      ) : (
        <Table caption={`${t('journal.title')} — ${t('journal.pageOf', { page: pageNumber })}`} focusableId="journal-caption">
          <thead>
            <tr>
              <th scope="col">{t('journal.when')}</th>
              <th scope="col">{t('journal.actor')}</th>
              <th scope="col">{t('journal.action')}</th>
              <th scope="col">{t('journal.object')}</th>
              <th scope="col">{t('journal.details')}</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map((entry, index) => (
              <tr key={`${entry.source}-${index}`}>
                <td>{fmt.dateTime(entry.at)}</td>
                <td>{entry.actorLabel}</td>
                <td>{actionText(t, entry)}</td>
                <td>
                  {objectText(t, entry)}
                  {entry.objectId && entry.objectId !== filter.objectId && isUuidText(entry.objectId) && (
                    <>
                      <br />
                      <a class="fr-link fr-text--sm" href={linkTo({ objet: entry.objectId, page: undefined })}>
                        {t('journal.onlyThis')}
                      </a>
                    </>
                  )}
                </td>
                <td>
                  {typeof entry.details.reason === 'string' && entry.details.reason !== '' && (
                    <p class="fr-text--sm fr-mb-1v">{t('journal.reason', { reason: reasonText(t, entry.details.reason) })}</p>
                  )}
                  {entry.ip && <p class="fr-text--sm fr-mb-1v">{t('journal.ip', { ip: entry.ip })}</p>}
                  {entry.source === 'audit' && Object.keys(entry.details).length > 0 && (
                    <details>
                      <summary class="fr-text--sm">{t('journal.detailsShow')}</summary>
                      <code class="pf-break-anywhere">{JSON.stringify(entry.details)}</code>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {(filter.page > 0 || props.hasMore) && (
        <nav class="fr-mt-3w" aria-label={t('journal.pages')}>
          <ul class="fr-btns-group fr-btns-group--inline">
            {filter.page > 0 && (
              <li>
                <ButtonLink href={linkTo({ page: String(pageNumber - 1) })} variant="secondary" icon="fr-icon-arrow-left-line">
                  {t('journal.newer')}
                </ButtonLink>
              </li>
            )}
            {props.hasMore && (
              <li>
                <ButtonLink href={linkTo({ page: String(pageNumber + 1) })} variant="secondary" icon="fr-icon-arrow-right-line">
                  {t('journal.older')}
                </ButtonLink>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}
