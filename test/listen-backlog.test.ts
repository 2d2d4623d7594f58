import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * Registration day (issue #18, city scale): thousands of parents connect in the same second while
 * the server is busy. Connections the kernel cannot queue for the portal are dropped, and come back
 * only after the client's SYN retry a second later (`ECONNRESET` for some): Node's backlog of 511
 * overflowed at 2,500 parents. Here the portal is frozen (SIGSTOP, as a busy event loop) while 1,500
 * connections are opened: each must be established at once and answered when it runs again.
 */
const CONNECTIONS = 1500;

describe('connections arriving together', { skip: process.env.TEST_DATABASE_URL ? 'no database involved: runs in the PGlite pass' : false }, () => {
  let portal: ChildProcess;
  let port: number;
  const sockets: Socket[] = [];

  before(async () => {
    port = await freePort();
    portal = await startPortalProcess({ DATA_DIR: mkdtempSync(join(tmpdir(), 'pf-backlog-')), DATABASE_URL: '', PORT: String(port) });
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    portal?.kill('SIGKILL');
  });

  it(`keeps ${CONNECTIONS} connections made while the portal is busy, and answers each`, async () => {
    portal.kill('SIGSTOP');
    let established = 0;
    const answers: Promise<string>[] = [];
    for (let index = 0; index < CONNECTIONS; index++) {
      const socket = connect({ port, host: '127.0.0.1' });
      sockets.push(socket);
      socket.once('connect', () => {
        established += 1;
      });
      answers.push(
        new Promise((resolve) => {
          let text = '';
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          socket.on('close', () => resolve(text));
          socket.on('error', (error) => resolve(`error: ${error.message}`));
        }),
      );
      socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    }
    // The connections are opened on the next ticks, which take long on a loaded machine: count from
    // when they all are. Then well before the first SYN retry (1 s), a connection not established
    // was dropped; the last turn lets the loop take the connections the kernel made meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 700));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(established, CONNECTIONS, `connections established while the portal was busy (the rest were dropped by a full backlog)`);

    portal.kill('SIGCONT');
    const texts = await Promise.all(answers);
    const ok = texts.filter((text) => text.startsWith('HTTP/1.1 200')).length;
    assert.equal(ok, CONNECTIONS, `answered 200: ${ok}; first other answer: ${texts.find((text) => !text.startsWith('HTTP/1.1 200'))?.slice(0, 80)}`);
  });
});
