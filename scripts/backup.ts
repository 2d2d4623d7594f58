// `npm run backup -- <file>`: saves the whole database into one file (src/operations/backup.ts):
// the PostgreSQL server of DATABASE_URL while the portals run, or the embedded database of DATA_DIR
// with its portal stopped. Prints what it saved; exits 1 with a sentence when it cannot.
import { loadConfig } from '../src/config.js';
import { describeBackup } from '../src/operations/backup-archive.js';
import { backUp } from '../src/operations/backup.js';
import { runOperation } from '../src/operations/operation-command.js';

await runOperation('npm run backup -- <file>', 1, async ([file]) => `backup written to ${file}: ${describeBackup(await backUp(loadConfig(), file!))}`);
