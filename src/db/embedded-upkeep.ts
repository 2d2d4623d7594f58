import type { JobQueue, JobQueueLog } from '../jobs/job-queue.js';
import type { Database } from './database.js';

/**
 * The embedded database (PGlite) runs without PostgreSQL's autovacuum, so nothing ever analysed its
 * tables or reclaimed their dead rows: every query was planned without statistics for the life of
 * the installation (bench/pages on PGlite: the two-child month 61 ms p50 without them, 11 ms with
 * them) and tables only grew. This does autovacuum's work with autovacuum's default thresholds, a
 * table at a time, since each statement holds the embedded database's one connection. A PostgreSQL
 * server has its own autovacuum: there this does nothing.
 */
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE_FACTOR = 0.1;
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE_FACTOR = 0.2;

export const EMBEDDED_UPKEEP_QUEUE = 'embedded-upkeep';

export interface UpkeepDone {
  analysed: string[];
  vacuumed: string[];
}

/**
 * Analyses each table never analysed that holds rows, or whose rows changed by more than 50 plus a
 * tenth of them since; vacuums (and analyses) each whose dead rows are more than 50 plus a fifth of
 * its rows. An empty table is left unanalysed, as autovacuum leaves it: PostgreSQL then plans as if
 * it held ten pages, where statistics saying "empty" would have the plans kept by each connection
 * (a foreign key's check) read the whole table once it fills, until the next analysis.
 */
export async function upkeepEmbeddedDatabase(db: Database): Promise<UpkeepDone> {
  const { rows } = await db.query<{ name: string; analyse: boolean; vacuum: boolean }>(
    `select format('%I.%I', s.schemaname, s.relname) as name,
       (c.reltuples < 0 and pg_relation_size(c.oid) > 0) or s.n_mod_since_analyze > $1 + $2 * greatest(c.reltuples, 0) as analyse,
       s.n_dead_tup > $3 + $4 * greatest(c.reltuples, 0) as vacuum
     from pg_stat_user_tables s join pg_class c on c.oid = s.relid
     order by 1`,
    [ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR, VACUUM_THRESHOLD, VACUUM_SCALE_FACTOR],
  );
  const done: UpkeepDone = { analysed: [], vacuumed: [] };
  for (const table of rows) {
    if (table.vacuum) {
      await db.exec(`vacuum (analyze) ${table.name}`);
      done.vacuumed.push(table.name);
      done.analysed.push(table.name);
    } else if (table.analyse) {
      await db.exec(`analyze ${table.name}`);
      done.analysed.push(table.name);
    }
  }
  return done;
}

/** On the embedded database, runs `upkeepEmbeddedDatabase` every minute, as autovacuum wakes. */
export async function startEmbeddedUpkeep(jobs: JobQueue | null, db: Database, log: JobQueueLog): Promise<void> {
  if (!jobs || db.kind !== 'pglite') return;
  await jobs.createQueue(EMBEDDED_UPKEEP_QUEUE, { name: EMBEDDED_UPKEEP_QUEUE, policy: 'stately' });
  await jobs.work(EMBEDDED_UPKEEP_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    try {
      await upkeepEmbeddedDatabase(db);
    } catch (error) {
      log.error({ err: error }, 'could not analyse or vacuum the embedded database');
      throw error;
    }
  });
  await jobs.schedule(EMBEDDED_UPKEEP_QUEUE, '* * * * *');
}
