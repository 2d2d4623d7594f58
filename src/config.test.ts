import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'pf-config-'));

  it('runs with no setting at all: embedded database, demo, port 3000', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databaseWaitSeconds, 60);
    assert.equal(config.demo, true);
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.secureCookies, false);
  });

  it('keeps a generated secret in the data folder so sessions survive a restart', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    assert.equal(first.secret, second.secret);
    assert.equal(readFileSync(join(dir, 'secret'), 'utf8'), first.secret);
  });

  it('turns the demo off and cookies secure for a production-like setting', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://app:pw@db:5432/portail',
      PUBLIC_URL: 'https://famille.example.fr/',
      SECRET: 'x'.repeat(40),
    });
    assert.equal(config.demo, false);
    assert.equal(config.secureCookies, true);
    assert.equal(config.publicUrl, 'https://famille.example.fr');
  });

  it('stops with a message naming every wrong setting and what it expects', () => {
    assert.throws(
      () =>
        loadConfig({
          DATA_DIR: dataDir(),
          PORT: 'http',
          DATABASE_URL: 'mysql://root:secret@db/x',
          SMTP_URL: 'mail.example',
          DEMO: 'maybe',
          SECRET: 'short',
          LOG_LEVEL: 'loud',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 6);
        assert.match(error.message, /PORT must be a whole number from 1 to 65535; got "http"/);
        assert.match(error.message, /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/; got "mysql:\/\/root:\*\*\*@db\/x"/);
        assert.match(error.message, /SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//);
        assert.match(error.message, /DEMO must be true or false/);
        assert.match(error.message, /SECRET must be at least 32 characters/);
        assert.match(error.message, /LOG_LEVEL must be one of/);
        assert.doesNotMatch(error.message, /secret@/, 'passwords in URLs are not printed');
        return true;
      },
    );
  });
});
