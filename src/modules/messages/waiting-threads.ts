import type { ExpressionBuilder, Kysely } from 'kysely';
import { BatchedLookup } from '../../db/batched-lookup.js';
import type { DB } from '../../db/schema.js';
import { may } from '../access.js';
import type { Scope } from '../scope.js';

/**
 * The threads waiting for the service: nobody has taken them yet (new), or the family wrote since
 * staff who answer last opened them. The back office shows how many on every page and on its home.
 */
export function waitingForService(eb: ExpressionBuilder<DB, 'message_threads'>) {
  return eb.or([
    eb('message_threads.state', '=', 'new'),
    eb('message_threads.id', 'in', eb.selectFrom('messages as w').select('w.thread_id').where('w.author', '=', 'family').where('w.read_at', 'is', null)),
  ]);
}

/** How many threads of these authorities wait, by authority (`db` may be any connection: the tenants are named). */
async function waitingCounts(db: Kysely<DB>, tenantIds: string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('message_threads')
    .select((eb) => ['message_threads.tenant_id', eb.fn.countAll<string>().as('n')])
    .where('message_threads.tenant_id', 'in', tenantIds)
    .where(waitingForService)
    .groupBy('message_threads.tenant_id')
    .execute();
  return new Map(rows.map((row) => [row.tenant_id, Number(row.n)]));
}

/** The threads waiting for the service, for the back office's home page. */
export async function waitingThreadCount(scope: Scope): Promise<number> {
  if (!may(scope, 'service.read')) return 0;
  return (await waitingCounts(scope.tx, [scope.tenantId])).get(scope.tenantId) ?? 0;
}

/**
 * The same count for the header of every back office page: the look-ups of one turn of the event
 * loop are read in one statement on the owner's connection (as the families' household summary),
 * each authority's count asked by its own id only.
 */
export class WaitingThreadsLookup {
  private readonly counts: BatchedLookup<string, number>;

  constructor(db: Kysely<DB>) {
    this.counts = new BatchedLookup((tenantIds) => waitingCounts(db, tenantIds));
  }

  async get(tenantId: string): Promise<number> {
    return (await this.counts.get(tenantId)) ?? 0;
  }
}
