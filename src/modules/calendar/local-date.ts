import { dateFormat } from '../../i18n/date-formats.js';
import type { Scope } from '../scope.js';

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: "today" for an authority. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The authority's "today", in its own time zone. */
export async function tenantToday(scope: Scope): Promise<string> {
  const tenant = await scope.tx.selectFrom('tenants').select('time_zone').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  return localDate(scope.now, tenant.time_zone);
}
