import pg from 'pg';
import type { RawConnection } from '../db/database.js';
import { OperationError } from './operation-command.js';

export interface ServerConnection extends RawConnection {
  end(): Promise<void>;
}

/**
 * One connection to a PostgreSQL server for an operator's command: a transaction of its own (the
 * backup's snapshot), none of the portal's pools. Fails with a sentence an operator can act on.
 */
export async function connectToServer(databaseUrl: string): Promise<ServerConnection> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new OperationError(`Could not connect to the database of DATABASE_URL: ${(error as Error).message}`);
  }
  return {
    exec: async (sqlText) => void (await client.query(sqlText)),
    query: async (sqlText, parameters = []) => ({ rows: (await client.query(sqlText, parameters)).rows }),
    end: () => client.end(),
  };
}
