// Runs the whole suite: rule tests (src/), integration tests (test/) on PGlite — and again on the
// PostgreSQL server named by TEST_DATABASE_URL when it is set — and browser journeys (e2e/).
// Prints one closing line "N passed, N failed" over every pass, with the suite's wall time.
//
// `tsx scripts/test.ts unit|integration|e2e` runs one kind; `fast` (npm run test:fast) runs the rule
// tests and the integration tests on PGlite only: no PostgreSQL, no browser.
//
// Before the tests it prepares, once for the run, what every test process would otherwise make for
// itself: the assets (bundled by esbuild), a migrated PGlite data folder and a migrated template
// database on the PostgreSQL server. Each test portal starts from its own copy of the database
// (test/support/migrated-copies.ts); the template is dropped at the end.
//
// Each test file runs in its own process, as `node --test` would run it. The files of every pass
// share one line of TEST_CONCURRENCY processes (3 by default), browser journeys two at a time at
// most, the longest first (as long as they took in the previous run, kept in test-artifacts/), so
// that one file's waits (timers, the browser, the database server) leave the cores to another.
// A file's output is printed whole when it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PREPARED_ASSETS_ENV, writeAssetsFile } from '../src/web/assets.js';
import { createMigratedTemplate, PGLITE_COPY_ENV, POSTGRES_TEMPLATE_ENV, writeMigratedPgliteCopy } from '../test/support/migrated-copies.js';

const root = new URL('..', import.meta.url).pathname;
const TIMINGS_FILE = join(root, 'test-artifacts', 'test-timings.json');
const CONCURRENCY = Math.max(1, Number(process.env.TEST_CONCURRENCY) || 3);
const BROWSER_FILES_AT_ONCE = 2;
// A file whose hook waits forever (a server that never started) must fail, not hold the suite.
const FILE_LIMIT_MS = Math.max(1, Number(process.env.TEST_FILE_MINUTES) || 15) * 60_000;

function testFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      if (entry === 'node_modules') continue;
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.test\.tsx?$/.test(entry)) found.push(relative(root, full));
    }
  };
  walk(join(root, dir));
  return found.sort();
}

interface Counts {
  pass: number;
  fail: number;
  skipped: number;
}

interface Pass {
  label: string;
  files: string[];
  env: Record<string, string>;
  browser: boolean;
  /** Seconds a file of this pass is guessed to take when the previous run did not time it. */
  guess: number;
  counts: Counts;
  started?: number;
  ended?: number;
  failed: { file: string; reasons: string[] }[];
}

const started = Date.now();
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const only = process.argv[2];
const fast = only === 'fast';
const postgresUrl = fast ? undefined : process.env.TEST_DATABASE_URL || undefined;
const passes: Pass[] = [];
const pass = (label: string, dir: string, env: Record<string, string>, guess: number, browser = false) =>
  passes.push({ label, files: testFiles(dir), env, browser, guess, counts: { pass: 0, fail: 0, skipped: 0 }, failed: [] });
if (!only || only === 'unit' || fast) pass('rule tests', 'src', {}, 1);
if (!only || only === 'integration' || fast) {
  pass('integration tests on PGlite', 'test', { TEST_DATABASE_URL: '' }, 8);
  if (postgresUrl) pass('integration tests on PostgreSQL', 'test', { TEST_DATABASE_URL: postgresUrl }, 6);
}
if (!only || only === 'e2e') pass('browser journeys', 'e2e', { TEST_DATABASE_URL: '' }, 40, true);

/** Made once for the run, removed at its end (also when it is interrupted). */
const scratch = mkdtempSync(join(tmpdir(), 'pf-suite-'));
const running = new Set<ChildProcess>();
let dropTemplate: (() => Promise<void>) | undefined;
async function cleanUp(): Promise<void> {
  rmSync(scratch, { recursive: true, force: true });
  const drop = dropTemplate;
  dropTemplate = undefined;
  await drop?.().catch((error: Error) => console.error(`could not drop the template database: ${error.message}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill(signal);
    void cleanUp().finally(() => process.exit(130));
  });
}

const shared: Record<string, string> = {};
if (passes.some((entry) => entry.label !== 'rule tests')) {
  const preparing = Date.now();
  try {
    shared[PREPARED_ASSETS_ENV] = join(scratch, 'assets.json');
    await writeAssetsFile(shared[PREPARED_ASSETS_ENV]);
    shared[PGLITE_COPY_ENV] = await writeMigratedPgliteCopy(scratch);
    if (postgresUrl) {
      const template = await createMigratedTemplate(postgresUrl);
      dropTemplate = template.drop;
      shared[POSTGRES_TEMPLATE_ENV] = template.name;
    }
  } catch (error) {
    console.error('\nthe suite could not prepare its assets and migrated databases:', error);
    await cleanUp();
    process.exit(1);
  }
  console.log(`prepared the assets and the migrated databases once for the run in ${seconds(Date.now() - preparing)}`);
}

const previous = readTimings();
const timings: Record<string, number> = {};
const key = (entry: Pass, file: string) => `${entry.label}: ${file}`;
const queue = passes
  .flatMap((entry) => entry.files.map((file) => ({ pass: entry, file, guess: previous[key(entry, file)] ?? entry.guess })))
  .sort((a, b) => b.guess - a.guess);
console.log(`${queue.length} test files, ${CONCURRENCY} at a time (TEST_CONCURRENCY), browser journeys ${BROWSER_FILES_AT_ONCE} at a time\n`);

await new Promise<void>((resolve) => {
  let browsers = 0;
  const next = () => {
    if (queue.length === 0 && running.size === 0) return resolve();
    while (running.size < CONCURRENCY) {
      const index = queue.findIndex((job) => !job.pass.browser || browsers < BROWSER_FILES_AT_ONCE);
      if (index < 0) return;
      const [job] = queue.splice(index, 1);
      if (!job) return;
      if (job.pass.browser) browsers += 1;
      job.pass.started ??= Date.now();
      const child = runFile(job.pass, job.file, (elapsed) => {
        running.delete(child);
        if (job.pass.browser) browsers -= 1;
        job.pass.ended = Date.now();
        timings[key(job.pass, job.file)] = Math.round(elapsed / 100) / 10;
        next();
      });
      running.add(child);
    }
  };
  next();
});

/** Runs one test file in its own process, as `node --test` does, and prints its output when it ends. */
function runFile(entry: Pass, file: string, done: (elapsed: number) => void): ChildProcess {
  const begun = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--test-reporter=spec', file], {
    cwd: root,
    env: { ...process.env, ...shared, ...entry.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
  let overran = false;
  const limit = setTimeout(() => {
    overran = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }, FILE_LIMIT_MS);
  child.on('close', (code, signal) => {
    clearTimeout(limit);
    const ending = overran ? `\nstopped: still running after ${seconds(FILE_LIMIT_MS)} (TEST_FILE_MINUTES)\n` : '';
    const text = Buffer.concat(output).toString() + ending;
    const summary = text.slice(text.lastIndexOf('ℹ tests '));
    const number = (name: string) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(summary)?.[1] ?? 0);
    const counts = { pass: number('pass'), fail: number('fail') + number('cancelled'), skipped: number('skipped') + number('todo') };
    if ((code !== 0 || signal) && counts.fail === 0) counts.fail = 1;
    entry.counts.pass += counts.pass;
    entry.counts.fail += counts.fail;
    entry.counts.skipped += counts.skipped;
    if (counts.fail > 0) entry.failed.push({ file, reasons: failureReasons(text) });
    const elapsed = Date.now() - begun;
    const verdict = counts.fail > 0 ? `${counts.fail} FAILED` : 'ok';
    process.stdout.write(
      `\n=== ${entry.label}: ${file}: ${verdict}, ${counts.pass} passed, ${counts.skipped} skipped (${(elapsed / 1000).toFixed(1)} s)\n${text}`,
    );
    done(elapsed);
  });
  return child;
}

/**
 * Each failing test of a file's spec output with its error's first lines (a timeout's call log
 * included), so the closing summary says why a file failed, not only which, when the whole output
 * is too long to read back.
 */
function failureReasons(text: string): string[] {
  const heading = text.lastIndexOf('✖ failing tests:');
  if (heading < 0) return [];
  const reasons: string[] = [];
  for (const block of text
    .slice(heading)
    .split(/\n(?=✖ )/)
    .slice(1)) {
    const [name = '', ...rest] = block.split('\n');
    const detail = rest.map((line) => line.trim()).filter((line) => line && !line.startsWith('at ') && !line.startsWith('test at '));
    reasons.push(`    ${name}`, ...detail.slice(0, 4).map((line) => `      ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`));
  }
  return reasons;
}

function readTimings(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(TIMINGS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

await cleanUp();
mkdirSync(dirname(TIMINGS_FILE), { recursive: true });
writeFileSync(TIMINGS_FILE, JSON.stringify({ ...previous, ...timings }, null, 1));

const total: Counts = { pass: 0, fail: 0, skipped: 0 };
console.log('');
for (const entry of passes) {
  total.pass += entry.counts.pass;
  total.fail += entry.counts.fail;
  total.skipped += entry.counts.skipped;
  const span = entry.started && entry.ended ? `, from ${seconds(entry.started - started)} to ${seconds(entry.ended - started)}` : '';
  console.log(`${entry.label}: ${entry.files.length} files, ${entry.counts.pass} passed, ${entry.counts.fail} failed, ${entry.counts.skipped} skipped${span}`);
  for (const { file, reasons } of entry.failed) console.log([`  failed: ${file}`, ...reasons].join('\n'));
}
console.log(`${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped in ${seconds(Date.now() - started)} (wall time)`);
process.exit(total.fail > 0 ? 1 : 0);
