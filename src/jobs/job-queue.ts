import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';

/** Background jobs: pg-boss on the portal's own database, so jobs survive a restart and any process may run them. */
export type JobQueue = PgBoss;

export interface JobQueueLog {
  error(details: object, message: string): void;
}

/**
 * Starts pg-boss on `db` (creating or upgrading its `pgboss` schema). Intervals are chosen for
 * PGlite's single connection: every poll waits its turn behind page requests, so none of them
 * polls more often than every two seconds; a job that must run at once is announced with
 * `notifyWorker` instead of faster polling.
 */
export async function startJobQueue(db: Database, log: JobQueueLog): Promise<JobQueue> {
  const statements = new Set<Promise<unknown>>();
  const boss = new PgBoss({
    db: pgBossDb(db, statements),
    pollingIntervalSeconds: 2,
    cronWorkerIntervalSeconds: 5,
    cronMonitorIntervalSeconds: 30,
    maintenanceIntervalSeconds: 120,
  });
  // Without a listener an 'error' event would crash the process; pg-boss retries by itself.
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  statementsOf.set(boss, statements);
  return boss;
}

/** The statements each queue has sent and not yet seen answered. */
const statementsOf = new WeakMap<JobQueue, Set<Promise<unknown>>>();

/** Stops taking jobs and waits (up to `timeoutMs`) for those running to finish; unfinished ones are retried later. */
export async function stopJobQueue(boss: JobQueue, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  // stop() resolves once no job runs, but a worker may be half-way through fetching one, which it
  // would then run on a database already closed: wait until every worker has left its loop.
  while (runningWorkers(boss) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  // A worker records a job's success or failure without waiting for it: let those statements
  // finish, or they would run on a database closed after this and be lost (and reject unhandled).
  const statements = statementsOf.get(boss);
  while (statements && statements.size > 0 && Date.now() < deadline) await Promise.allSettled([...statements]);
}

/** pg-boss 10 keeps its workers until each has stopped; `getWorkers` is public in its code, not in its types. */
function runningWorkers(boss: JobQueue): number {
  const { getWorkers } = boss as unknown as { getWorkers?: () => { stopped: boolean }[] };
  return getWorkers ? getWorkers.call(boss).filter((worker) => !worker.stopped).length : 0;
}

/**
 * pg-boss's database adapter. Its schema set-up and maintenance send scripts (`BEGIN; …; COMMIT;`)
 * without parameters: PGlite's `query` takes a single statement, so those go through `exec`.
 * Everything else is one statement whose rows pg-boss reads. Statements not yet answered are kept
 * in `pending`, for the queue's stop to wait for.
 */
export function pgBossDb(db: Database, pending = new Set<Promise<unknown>>()): PgBoss.Db {
  const execute = async (text: string, values?: unknown[]) => {
    if ((values === undefined || values.length === 0) && isScript(text)) {
      await runScript(db, text);
      return { rows: [] };
    }
    const { rows } = await db.query(text, values ?? []);
    return { rows };
  };
  return {
    executeSql(text: string, values?: unknown[]) {
      const statement = execute(text, values);
      const settled = () => void pending.delete(statement);
      pending.add(statement);
      statement.then(settled, settled);
      return statement;
    },
  };
}

/** More than one statement: a semicolon followed by more SQL. */
function isScript(text: string): boolean {
  return /;\s*\S/.test(text);
}

/**
 * Runs a script on one held connection and, if it fails half-way, rolls back on that same
 * connection: on PGlite an aborted `BEGIN` left open would block every later request.
 */
async function runScript(db: Database, text: string): Promise<void> {
  await db.withConnection(async (connection) => {
    try {
      await connection.exec(text);
    } catch (error) {
      await connection.exec('rollback');
      throw error;
    }
  });
}
