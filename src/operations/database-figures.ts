import type { Database } from '../db/database.js';

export interface DatabaseFigures {
  /** pg-boss's jobs by queue and state (created, retry, active, completed, cancelled, failed). */
  jobs: { queue: string; state: string; count: number }[];
  /** Emails of the outbox still to send, and those given up after their last try. */
  outbox: { pending: number; failed: number; oldestPendingSeconds: number };
}

/**
 * What /metrics reads from the database at each scrape, across authorities (as the owner: jobs and
 * the outbox are the installation's). The outbox keeps every email sent, so only the rows still to
 * send and those failed are counted.
 */
export async function databaseFigures(db: Database): Promise<DatabaseFigures> {
  const queue = await db.query<{ present: boolean }>("select to_regclass('pgboss.job') is not null as present");
  // pg-boss makes its schema at its first start: a portal without its job loop may have none.
  const jobs = queue.rows[0]?.present
    ? (
        await db.query<{ queue: string; state: string; count: number }>(
          'select name as queue, state::text as state, count(*)::int as count from pgboss.job group by 1, 2 order by 1, 2',
        )
      ).rows
    : [];
  const { rows } = await db.query<{ pending: number; failed: number; oldest: number | null }>(
    `select count(*) filter (where status = 'queued')::int as pending, count(*) filter (where status = 'failed')::int as failed,
       extract(epoch from now() - min(created_at) filter (where status = 'queued'))::float8 as oldest
     from outbox_emails where status in ('queued', 'failed')`,
  );
  const outbox = rows[0];
  return { jobs, outbox: { pending: outbox?.pending ?? 0, failed: outbox?.failed ?? 0, oldestPendingSeconds: outbox?.oldest ?? 0 } };
}
