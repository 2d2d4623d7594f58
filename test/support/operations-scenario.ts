import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, openDatabase } from '../../src/db/database.js';
import { SYSTEM } from '../../src/modules/actor.js';
import { invoicePdf } from '../../src/modules/billing/invoice-pdf.js';
import { storeDocument } from '../../src/modules/documents/documents.js';
import { type FamilyBillingScenario, startFamilyBillingScenario } from './family-billing.js';
import { adminQuery } from './migrated-copies.js';
import type { TestPortal } from './test-portal.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * What an operator's command (backup, restore, move) must carry whole: the family billing scenario
 * (bookings, invoices, payments, a credit note) with uploaded documents (a PDF of 300 KB and a PNG)
 * and an invoice's PDF, all kept as bytes in the database.
 */
export async function startOperationsScenario(options: Parameters<typeof startFamilyBillingScenario>[0] = {}): Promise<FamilyBillingScenario> {
  const scenario = await startFamilyBillingScenario(options);
  const { portal, tenant, martin, ids } = scenario;
  await portal.inTenant(tenant, async (base) => {
    const scope = { ...base, actor: SYSTEM };
    const files = [
      { filename: 'certificat.pdf', contentType: 'application/pdf' as const, data: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]) },
      { filename: 'vaccins.png', contentType: 'image/png' as const, data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(5_000)]) },
    ];
    for (const file of files) await storeDocument(scope, { householdId: martin.householdId, kind: 'other', ...file });
    await invoicePdf(scope, ids.october, 'fr');
  });
  return scenario;
}

/**
 * Writes a test portal's embedded database (kept in memory) as a portal's DATA_DIR holds it: the
 * database folder, and the secret a portal without SECRET generates there.
 */
export async function writeEmbeddedDataDir(portal: TestPortal, dataDir: string): Promise<void> {
  const copy = await openDatabase({ dataDir: join(dataDir, 'pglite'), loadDataDir: await portal.db.dumpDataDir!() });
  await copy.close();
  writeFileSync(join(dataDir, 'secret'), portal.config.secret);
}

/** Every file kept in the database (uploads and invoice PDFs) as one checksum, and how many. */
export async function storedFiles(db: Pick<Database, 'query'>): Promise<{ count: number; sha256: string }> {
  const { rows } = await db.query<{ id: string; content: Buffer }>(
    "select id::text, content from documents union all select invoice_id::text || ':' || lang, pdf from invoice_pdfs order by 1",
  );
  const hash = createHash('sha256');
  for (const row of rows) hash.update(row.id).update(row.content);
  return { count: rows.length, sha256: hash.digest('hex') };
}

/**
 * Runs an operator's command of `scripts/` (backup, restore…) as `npm run <name>` does, in a process
 * of its own with these settings over the environment's; resolves with its exit code and all it printed.
 */
export function runOperatorCommand(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** A new empty database on the PostgreSQL server, and what drops it. */
export async function emptyDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pf_target_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}
