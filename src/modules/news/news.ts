import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { dateWindow, windowState, type WindowError } from '../validation/date-window.js';
import { required } from '../validation/fields.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';

/**
 * News the service publishes: shown to the authority's families on their home page from a first
 * day (none: at once) to a last day included; those marked public also on the authority's public
 * news page, to anyone.
 */

export interface NewsItem {
  id: string;
  title: string;
  body: string;
  publishedAt: Date;
  startsOn: string | null;
  expiresOn: string | null;
  public: boolean;
}

export type NewsForm = { title?: string; body?: string; startsOn?: string; expiresOn?: string; public?: boolean };
export type NewsField = 'title' | 'body' | 'startsOn' | 'expiresOn';
export type NewsError = WindowError;

/** Where an item stands on a day: not shown yet, shown, or no longer. */
export function newsState(item: Pick<NewsItem, 'startsOn' | 'expiresOn'>, today: string): 'scheduled' | 'current' | 'ended' {
  return windowState({ startsOn: item.startsOn, endsOn: item.expiresOn }, today);
}

function checkNews(form: NewsForm, today: string) {
  const title = required(form.title, 200);
  const body = required(form.body, 5000);
  const window = dateWindow(form.startsOn, form.expiresOn, today);
  const errors: Partial<Record<NewsField, NewsError>> = {};
  if (!title.ok) errors.title = title.error;
  if (!body.ok) errors.body = body.error;
  if (!window.ok) {
    if (window.errors.startsOn) errors.startsOn = window.errors.startsOn;
    if (window.errors.endsOn) errors.expiresOn = window.errors.endsOn;
  }
  if (!title.ok || !body.ok || !window.ok) return { ok: false as const, errors };
  return {
    ok: true as const,
    value: { title: title.value, body: body.value, starts_on: window.value.startsOn, expires_on: window.value.endsOn, public: form.public === true },
  };
}

export async function publishNews(
  scope: Scope,
  form: NewsForm,
  today: string,
): Promise<{ kind: 'forbidden' } | { kind: 'invalid'; errors: Partial<Record<NewsField, NewsError>> } | { kind: 'published'; id: string }> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const checked = checkNews(form, today);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const row = await scope.tx
    .insertInto('news')
    .values({ tenant_id: scope.tenantId, ...checked.value, published_at: scope.now, created_by: accountIdOf(scope.actor) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { title, starts_on: startsOn, expires_on: expiresOn } = checked.value;
  await recordAudit(scope, {
    action: 'news.published',
    objectType: 'news',
    objectId: row.id,
    details: { title, startsOn, expiresOn, public: checked.value.public },
  });
  return { kind: 'published', id: row.id };
}

export async function deleteNews(scope: Scope, newsId: string): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const deleted = await scope.tx.deleteFrom('news').where('id', '=', newsId).returning('title').executeTakeFirst();
  if (!deleted) return 'not_found';
  await recordAudit(scope, { action: 'news.deleted', objectType: 'news', objectId: newsId, details: { title: deleted.title } });
  return 'done';
}

const select = (scope: Scope) =>
  scope.tx
    .selectFrom('news')
    .select(['id', 'title', 'body', 'published_at as publishedAt', 'starts_on as startsOn', 'expires_on as expiresOn', 'public'])
    .orderBy('published_at', 'desc')
    .orderBy('id');

/**
 * What is shown today, newest first: to the authority's families, or (`publicOnly`) on its public
 * page to anyone.
 */
export async function currentNews(scope: Scope, today: string, options: { publicOnly?: boolean; limit?: number } = {}): Promise<NewsItem[]> {
  let query = select(scope)
    .where((eb) => eb.or([eb('starts_on', 'is', null), eb('starts_on', '<=', today)]))
    .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]));
  if (options.publicOnly) query = query.where('public', '=', true);
  else if (scope.actor.kind !== 'family' && !may(scope, 'service.read')) return [];
  return query.limit(options.limit ?? 5).execute();
}

/** Every news item, scheduled and ended ones included, for staff. */
export async function allNews(scope: Scope, limit = 100): Promise<NewsItem[]> {
  if (!may(scope, 'service.read')) return [];
  return select(scope).limit(limit).execute();
}
