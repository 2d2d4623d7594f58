// `npm run restore -- <file>`: restores a backup into the empty database of DATABASE_URL, or into a
// DATA_DIR without an embedded database (src/operations/restore.ts), then checks every table's rows
// against the backup. Exits 1 with a sentence when the target is not empty or a count differs.
import { loadConfig } from '../src/config.js';
import { describeBackup } from '../src/operations/backup-archive.js';
import { runOperation } from '../src/operations/operation-command.js';
import { restore } from '../src/operations/restore.js';

await runOperation(
  'npm run restore -- <file>',
  1,
  async ([file]) => `restored ${file}: ${describeBackup(await restore(loadConfig(), file!))}; every table holds the rows the backup counted`,
);
