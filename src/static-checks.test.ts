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

function run(command: string, args: string[], cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
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
