import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

/**
 * The systemd units of deploy/ (issue #17, item 4): systemd reads them without a warning, the unit
 * of one process and the template of several differ only by the port, and every setting the env
 * file example names is one the portal knows (README's configuration table).
 */
const deploy = new URL('../deploy/', import.meta.url).pathname;
const read = (name: string) => readFileSync(join(deploy, name), 'utf8');
const ANALYZE = '/usr/bin/systemd-analyze';

describe('the systemd units', { skip: process.env.TEST_DATABASE_URL ? 'reads files only: runs in the PGlite pass' : false }, () => {
  it('are read by systemd without a warning, the template through an instance of it', {
    skip: existsSync(ANALYZE) ? false : `needs ${ANALYZE} (systemd)`,
  }, async () => {
    const units = ['portail-famille.service', 'portail-famille@3001.service', 'portail-famille-backup.service', 'portail-famille-backup.timer'];
    const { stdout, stderr } = await promisify(execFile)(ANALYZE, ['verify', ...units.map((unit) => join(deploy, unit))]);
    assert.equal(`${stdout}${stderr}`, '');
  });

  it('run one process or several the same way, but for the port', () => {
    const service = (text: string) =>
      text
        .slice(text.search(/^\[Service\]$/m), text.search(/^\[Install\]$/m))
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'));
    const single = service(read('portail-famille.service'));
    const template = service(read('portail-famille@.service'));
    assert.deepEqual(
      single.map((line) => line.replace('PORT=3000', 'PORT=%i')),
      template,
    );
    for (const setting of ['User=portail', 'LimitNOFILE=65536', 'Restart=on-failure', 'EnvironmentFile=/etc/portail-famille/portail-famille.env']) {
      assert.ok(template.includes(setting), setting);
    }
  });

  it('name only settings the portal reads', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const names = [
      ...[...read('portail-famille.env.example').matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]!),
      ...[...read('portail-famille@.service').matchAll(/^Environment=([A-Z_]+)=/gm)].map((match) => match[1]!),
    ].filter((name) => name !== 'NODE_ENV');
    assert.ok(names.includes('SECRET') && names.includes('DATABASE_URL') && names.includes('PUBLIC_URL') && names.includes('PORT'));
    for (const name of names) assert.ok(readme.includes(`| \`${name}\` |`), `${name} is in README's configuration table`);
  });
});
