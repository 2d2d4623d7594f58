import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, RawConnection } from './database.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
/** Serialises migrations of several processes starting at once on one server. */
const MIGRATION_LOCK = 727_001;

interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies the migrations not applied yet, each in its own transaction, and refuses to start if an
 * applied migration was edited afterwards (migrations are never edited once they land).
 * Returns the names of the migrations it applied.
 */
export async function migrate(db: Database, files = migrationFiles()): Promise<string[]> {
  return db.withConnection(async (connection) => {
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await ensureAppRole(connection);
      await connection.exec(`create table if not exists schema_migrations (
        version integer primary key, name text not null, checksum text not null,
        applied_at timestamptz not null default now())`);
      const { rows } = await connection.query<{ version: number; name: string; checksum: string }>(
        'select version, name, checksum from schema_migrations order by version',
      );
      const applied = new Map(rows.map((row) => [row.version, row]));
      for (const file of files) {
        const done = applied.get(file.version);
        if (done && done.checksum !== file.checksum) {
          throw new Error(`Migration ${file.version}-${file.name} was changed after it was applied; add a new migration instead.`);
        }
      }
      const pending = files.filter((file) => !applied.has(file.version));
      for (const file of pending) {
        await connection.exec('begin');
        try {
          await connection.exec(file.sql);
          await connection.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [file.version, file.name, file.checksum]);
          await connection.exec('commit');
        } catch (error) {
          await connection.exec('rollback');
          throw new Error(`Migration ${file.version}-${file.name} failed: ${(error as Error).message}`, { cause: error });
        }
      }
      return pending.map((file) => `${file.version}-${file.name}`);
    } finally {
      await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

/**
 * The restricted role of row-level security (migration 1) is shared by every database of a server,
 * and the migration lock above is per database: two databases migrated at once (test files, several
 * authorities' installs) could both try to create it (or grant it). Done here first, tolerating the other.
 */
export async function ensureAppRole(connection: RawConnection): Promise<void> {
  await connection.exec(`do $$
    begin
      if not exists (select from pg_roles where rolname = 'portail_app') then
        create role portail_app nologin;
      end if;
      grant portail_app to current_user;
    exception when duplicate_object or unique_violation then null;
    end
    $$`);
}

export type SchemaHealth = 'ok' | 'unreachable' | 'not_migrated';

/**
 * Whether the database answers and holds the schema this code was written for: every migration
 * applied. A database dropped and created again answers, but is empty: not healthy.
 */
export async function schemaHealth(db: Database, files = migrationFiles()): Promise<SchemaHealth> {
  const latest = files.at(-1)?.version ?? 0;
  try {
    // Two statements: a query naming a missing table fails as it is parsed, whatever guards it.
    const table = await db.query<{ present: boolean }>("select to_regclass('schema_migrations') is not null as present");
    if (!table.rows[0]?.present) return 'not_migrated';
    const { rows } = await db.query<{ version: number | null }>('select max(version) as version from schema_migrations');
    return Number(rows[0]?.version ?? 0) >= latest ? 'ok' : 'not_migrated';
  } catch {
    return 'unreachable';
  }
}
