import type { RawConnection } from '../db/database.js';
import { OperationError } from './operation-command.js';

/** The last migration applied; a database without the portal's tables is refused (a wrong DATABASE_URL or DATA_DIR). */
export async function lastMigration(connection: Pick<RawConnection, 'query'>): Promise<number> {
  const table = await connection.query<{ present: boolean }>("select to_regclass('schema_migrations') is not null as present");
  if (!table.rows[0]?.present) throw new OperationError('This database holds no Portail Famille tables (no schema_migrations).');
  const { rows } = await connection.query<{ version: number | null }>('select max(version) as version from schema_migrations');
  return Number(rows[0]?.version ?? 0);
}
