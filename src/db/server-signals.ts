import pg from 'pg';

const RETRY_MS = 1000;

/**
 * Listens to a PostgreSQL channel on a connection of its own, for as long as the process runs:
 * `onSignal` is called after each NOTIFY on the channel commits, whichever process sent it, and
 * after the connection was lost and opened again (signals sent meanwhile are lost, so the listener
 * must assume something changed). Returns the way to stop.
 */
export async function listenOnServer(databaseUrl: string, channel: string, onSignal: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const open = async (again: boolean): Promise<void> => {
    const connection = new pg.Client({ connectionString: databaseUrl });
    let lost = false;
    const retry = (error?: Error) => {
      if (lost || stopped) return;
      lost = true;
      console.warn(`database: listening to ${channel} interrupted (${error?.message ?? 'connection closed'}), again in ${RETRY_MS / 1000} s`);
      timer = setTimeout(() => void open(true), RETRY_MS);
    };
    connection.on('notification', (message) => {
      if (message.channel === channel) onSignal();
    });
    connection.on('error', retry);
    connection.on('end', () => retry());
    try {
      await connection.connect();
      await connection.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      void connection.end().catch(() => undefined);
      if (!again) throw error;
      retry(error as Error);
      return;
    }
    client = connection;
    if (again) onSignal();
  };

  await open(false);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await client?.end().catch(() => undefined);
  };
}
