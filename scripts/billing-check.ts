// The money's consistency, checked on the live database by an operator: `npm run billing:check`
// (DATABASE_URL for PostgreSQL; otherwise the embedded database of DATA_DIR, with the portal stopped,
// since the embedded database has one user at a time). Prints each rule and what breaks it; exits 1
// when one is broken. The rules: src/modules/ledger/consistency.ts.
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { asSystem } from '../src/db/tenant-scope.js';
import { CONSISTENCY_CHECKS } from '../src/modules/ledger/consistency.js';

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') });
let broken = 0;
try {
  await asSystem(db, async (tx) => {
    for (const check of CONSISTENCY_CHECKS) {
      const rows = await check.query(tx);
      console.log(`${rows.length === 0 ? 'ok     ' : 'BROKEN '} ${check.rule}`);
      for (const row of rows.slice(0, 20)) console.log(`        ${JSON.stringify(row)}`);
      if (rows.length > 20) console.log(`        … and ${rows.length - 20} more`);
      if (rows.length > 0) broken += 1;
    }
  });
} finally {
  await db.close();
}
console.log(broken === 0 ? 'billing: consistent' : `billing: ${broken} rule(s) broken`);
process.exit(broken === 0 ? 0 : 1);
