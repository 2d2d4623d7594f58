import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { StartupError } from '../startup-error.js';

const RETRY_DELAY_SECONDS = 2;
/** A server that neither answers nor refuses within this time (packets dropped by a firewall) counts as out of reach. */
const TRY_TIMEOUT_MS = 5_000;
/** The server's answers that waiting changes: still starting up or shutting down, every connection taken. */
const TRANSIENT_REFUSALS = new Set(['57P03', '53300']);

/**
 * Waits for the PostgreSQL server of `databaseUrl` to accept a connection, for `waitSeconds` at
 * most: at a machine's start, or in one compose file, the portal may start before its server. Logs
 * one line per failed try; gives up with a StartupError of one sentence. A refusal that waiting does
 * not change (a wrong password, no such database) ends the wait at once. The URL's password is never
 * printed: only its host and port are.
 */
export async function waitForServer(databaseUrl: string, waitSeconds: number): Promise<void> {
  const server = serverAddress(databaseUrl);
  const deadline = Date.now() + waitSeconds * 1000;
  const attempts = Math.floor(waitSeconds / RETRY_DELAY_SECONDS) + 1;
  for (let attempt = 1; ; attempt++) {
    const failure = await tryConnect(databaseUrl);
    if (failure === undefined) return;
    if (!failure.transient) throw new StartupError(`The database server at ${server} refused the connection: ${failure.reason}. Check DATABASE_URL.`);
    if (Date.now() + RETRY_DELAY_SECONDS * 1000 > deadline) {
      throw new StartupError(
        `The database server at ${server} could not be reached (${failure.reason})${waitSeconds > 0 ? ` for ${waitSeconds} s` : ''}: ` +
          'check DATABASE_URL and that the server runs (DATABASE_WAIT_SECONDS sets how long to wait).',
      );
    }
    console.warn(`database: not reachable at ${server} (${failure.reason}), retrying in ${RETRY_DELAY_SECONDS} s (attempt ${attempt}/${attempts})`);
    await sleep(RETRY_DELAY_SECONDS * 1000);
  }
}

/** One connection opened and closed; what went wrong, or undefined when the server accepted it. */
async function tryConnect(databaseUrl: string): Promise<{ reason: string; transient: boolean } | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: TRY_TIMEOUT_MS });
  // A server dropping the connection between its opening and its closing says so by an event, which unheard would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    if (error instanceof pg.DatabaseError) return { reason: error.message, transient: TRANSIENT_REFUSALS.has(error.code ?? '') };
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code ?? (error as Error).message, transient: true };
  }
}

/** Host and port of the URL, for messages: never its user's password. */
function serverAddress(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || '5432'}`;
}
