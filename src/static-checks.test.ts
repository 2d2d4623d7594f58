import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// The linter, the formatter and the type checker, run by the suite so that CI refuses what they refuse.
const root = join(new URL('.', import.meta.url).pathname, '..');
const BIOME = join(root, 'node_modules', '.bin', 'biome');
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Each check is given minutes, not forever: a type that explodes once made tsc run without end,
 * and the suite hung instead of saying what was wrong.
 */
const CHECK_LIMIT_MS = 8 * 60_000;

function run(command: string, args: string[], cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: CHECK_LIMIT_MS });
  const late = result.error && 'code' in result.error && result.error.code === 'ETIMEDOUT';
  const verdict = late ? `\n${command} ${args.join(' ')} did not finish in ${CHECK_LIMIT_MS / 60_000} minutes: look for a type that explodes.` : '';
  return { code: result.status, output: `${result.stdout}${result.stderr}${verdict}` };
}

describe('static checks', () => {
  it('the tree is linted and formatted as biome.json says', () => {
    const { code, output } = run(BIOME, ['ci', '--colors=off', '.']);
    assert.equal(code, 0, output);
  });

  it('the linter refuses a promise left floating and a badly formatted line', () => {
    // A scratch project with the house's rules, so that the tree itself is never touched.
    const scratch = mkdtempSync(join(tmpdir(), 'pf-lint-'));
    try {
      const { $schema: _schema, vcs: _vcs, files: _files, ...rules } = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
      writeFileSync(join(scratch, 'biome.json'), JSON.stringify(rules));
      writeFileSync(join(scratch, 'floating.ts'), 'async function save(): Promise<void> {}\nexport function submit() {\n  save();\n}\n');
      writeFileSync(join(scratch, 'unformatted.ts'), 'export const a = {b:1}\n');
      const floating = run(BIOME, ['lint', '--colors=off', 'floating.ts'], scratch);
      assert.notEqual(floating.code, 0);
      assert.match(floating.output, /noFloatingPromises/);
      const unformatted = run(BIOME, ['format', '--colors=off', 'unformatted.ts'], scratch);
      assert.notEqual(unformatted.code, 0);
      assert.match(unformatted.output, /Formatter would have printed/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('the types check (tsc --noEmit)', () => {
    const { code, output } = run(process.execPath, [TSC, '--noEmit', '-p', root]);
    assert.equal(code, 0, output);
  });
});
