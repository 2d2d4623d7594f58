// `npm run move-to-postgres -- <DATABASE_URL>`: moves the embedded database of DATA_DIR, its portal
// stopped, into an empty PostgreSQL database, every row checked (src/operations/move-to-postgres.ts).
// Then says what to set for the portal to run on it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { moveToPostgres } from '../src/operations/move-to-postgres.js';
import { runOperation } from '../src/operations/operation-command.js';

await runOperation('npm run move-to-postgres -- <DATABASE_URL>', 1, async ([targetUrl]) => {
  const config = loadConfig();
  const moved = await moveToPostgres(config, targetUrl!);
  const secret = join(config.dataDir, 'secret');
  return [
    `moved ${moved.rows} rows of ${moved.tables} tables (migration ${moved.migration}) from ${join(config.dataDir, 'pglite')}; every row checked.`,
    'To run the portal on it, set DATABASE_URL to that database' +
      (existsSync(secret) && !process.env.SECRET ? `, and SECRET to the content of ${secret} (the outbox's sealed links open only under it).` : '.'),
  ].join('\n');
});
