// Runs the whole suite: rule tests (src/), integration tests (test/) on PGlite — and again on the
// PostgreSQL server named by TEST_DATABASE_URL when it is set — and browser journeys (e2e/).
// Prints one closing line "N passed, N failed" over every pass.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

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

function run(label: string, files: string[], env: Record<string, string | undefined>, concurrency: number): Promise<Counts> {
  const counts: Counts = { pass: 0, fail: 0, skipped: 0 };
  if (files.length === 0) return Promise.resolve(counts);
  console.log(`\n=== ${label}: ${files.length} file(s) ===`);
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const number = (name: string) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(tail)?.[1] ?? 0);
      counts.pass = number('pass');
      counts.fail = number('fail') + number('cancelled');
      counts.skipped = number('skipped') + number('todo');
      if (code !== 0 && counts.fail === 0) counts.fail = 1;
      resolve(counts);
    });
  });
}

const only = process.argv[2];
const passes: [string, string[], Record<string, string | undefined>, number][] = [];
if (!only || only === 'unit') passes.push(['rule tests', testFiles('src'), {}, 2]);
if (!only || only === 'integration') {
  passes.push(['integration tests on PGlite', testFiles('test'), { TEST_DATABASE_URL: '' }, 2]);
  if (process.env.TEST_DATABASE_URL) {
    passes.push(['integration tests on PostgreSQL', testFiles('test'), { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL }, 2]);
  }
}
if (!only || only === 'e2e') passes.push(['browser journeys', testFiles('e2e'), { TEST_DATABASE_URL: '' }, 1]);

const total: Counts = { pass: 0, fail: 0, skipped: 0 };
for (const [label, files, env, concurrency] of passes) {
  const counts = await run(label, files, env, concurrency);
  total.pass += counts.pass;
  total.fail += counts.fail;
  total.skipped += counts.skipped;
}
console.log(`\n${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(total.fail > 0 ? 1 : 0);
