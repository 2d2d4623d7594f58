import { sql } from 'kysely';
import type { Scope } from './scope.js';

/**
 * What a change would answer, with every write it made undone (a savepoint rolled back): a
 * confirmation page asks the module itself whether a deletion would be refused, so the rule stays
 * in one place.
 */
export async function dryRun<T>(scope: Scope, work: () => Promise<T>): Promise<T> {
  await sql`savepoint dry_run`.execute(scope.tx);
  try {
    return await work();
  } finally {
    await sql`rollback to savepoint dry_run`.execute(scope.tx);
  }
}
