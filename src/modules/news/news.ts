import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { calendarDate, required, type FieldError } from '../validation/fields.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';

/** News the service publishes on the family home page, until their end date (included). */

export interface NewsItem {
  id: string;
  title: string;
  body: string;
  publishedAt: Date;
  expiresOn: string | null;
}

export type NewsForm = { title?: string; body?: string; expiresOn?: string };
export type NewsField = keyof NewsForm;

export async function publishNews(
  scope: Scope,
  form: NewsForm,
  today: string,
): Promise<{ kind: 'forbidden' } | { kind: 'invalid'; errors: Partial<Record<NewsField, FieldError>> } | { kind: 'published'; id: string }> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const title = required(form.title, 200);
  const body = required(form.body, 5000);
  const expiresOn = calendarDate(form.expiresOn);
  const errors: Partial<Record<NewsField, FieldError>> = {};
  if (!title.ok) errors.title = title.error;
  if (!body.ok) errors.body = body.error;
  // An end date already past would publish nothing.
  if (!expiresOn.ok) errors.expiresOn = expiresOn.error;
  else if (expiresOn.value !== null && expiresOn.value < today) errors.expiresOn = 'date';
  if (!title.ok || !body.ok || !expiresOn.ok || errors.expiresOn) return { kind: 'invalid', errors };
  const row = await scope.tx
    .insertInto('news')
    .values({
      tenant_id: scope.tenantId,
      title: title.value,
      body: body.value,
      expires_on: expiresOn.value,
      published_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'news.published', objectType: 'news', objectId: row.id, details: { title: title.value, expiresOn: expiresOn.value } });
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
    .select(['id', 'title', 'body', 'published_at as publishedAt', 'expires_on as expiresOn'])
    .orderBy('published_at', 'desc')
    .orderBy('id');

/** What families see today: news without an end date or ending today or later, newest first. */
export async function currentNews(scope: Scope, today: string, limit = 5): Promise<NewsItem[]> {
  return select(scope)
    .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]))
    .limit(limit)
    .execute();
}

/** Every news item, ended ones included, for staff. */
export async function allNews(scope: Scope, limit = 100): Promise<NewsItem[]> {
  if (!may(scope, 'service.read')) return [];
  return select(scope).limit(limit).execute();
}
