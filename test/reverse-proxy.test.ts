import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { freePort } from './support/free-port.js';
import { checkNginxConfig, startNginx, withoutNginx } from './support/nginx-process.js';
import { startPortalProcess } from './support/portal-process.js';
import { createFamily, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * The reverse proxy of deploy/ (issue #17, item 3): Debian's nginx, running deploy/nginx-proxy.conf
 * as it is (but for a shorter body timeout, to keep the test short), in front of two portal
 * processes on one PostgreSQL database. A family logs in and reads a page through it, the
 * processes share the work, the portals see the client's address; bodies over the portal's limits
 * and a client that stops sending its body are refused by nginx without a portal being asked (its
 * access log names the upstream of each request: '-' for none). The whole site file serves the
 * portal over TLS (a certificate made for the test) and sends plain HTTP there.
 */
const deploy = new URL('../deploy/', import.meta.url).pathname;
const skip = withoutNginx() || (process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL: several portal processes share one PostgreSQL database');
const BODY_TIMEOUT_SECONDS = 2;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('nginx in front of two portal processes', { skip }, () => {
  const prefix = mkdtempSync(join(tmpdir(), 'pf-nginx-'));
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  const processes: ChildProcess[] = [];
  const portalPorts: number[] = [];
  let nginxPort: number;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville de Rivebelle' });
    family = await createFamily(portal, tenant, { email: 'nina@example.test', firstName: 'Nina', lastName: 'LEROY', children: ['Malo'] });
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      portalPorts.push(port);
      processes.push(await startPortalProcess({ DATABASE_URL: portal.databaseUrl!, SECRET: portal.config.secret, PORT: String(port), TRUST_PROXY: 'true' }));
    }
    const proxy = readFileSync(join(deploy, 'nginx-proxy.conf'), 'utf8');
    assert.match(proxy, /client_body_timeout 15s;/);
    nginxPort = await freePort();
    processes.push(
      await startNginx(
        prefix,
        `log_format upstreams '$status $request_method $request_uri upstream=$upstream_addr';
  access_log ${join(prefix, 'access.log')} upstreams;
  upstream portail_famille {
    ${portalPorts.map((port) => `server 127.0.0.1:${port};`).join('\n    ')}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${nginxPort};
    server_name localhost;
    ${proxy.replace('client_body_timeout 15s;', `client_body_timeout ${BODY_TIMEOUT_SECONDS}s;`)}
  }`,
        nginxPort,
      ),
    );
  });
  after(async () => {
    for (const child of processes) child.kill('SIGKILL');
    await portal?.close();
    rmSync(prefix, { recursive: true, force: true });
  });

  /** One request through nginx; `from` is the client's own address on the loopback (127.0.0.x). */
  function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; from?: string } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: nginxPort, method, path, headers: options.headers, ...(options.from ? { localAddress: options.from } : {}) },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }));
        },
      );
      request.on('error', reject);
      request.end(options.body);
    });
  }

  /**
   * The upstream of each request of `method` and `path` that nginx logged, once it logged `count`
   * of them (it writes a line as it finishes a request, which a client cut off may see first).
   */
  async function upstreamsOf(method: string, path: string, count: number): Promise<string[]> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = readFileSync(join(prefix, 'access.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes(` ${method} ${path} `))
        .map((line) => line.slice(line.indexOf('upstream=') + 'upstream='.length));
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('logs a family in and shows its home page, the two processes sharing the requests', async () => {
    const cookies = new Map<string, string>();
    const keep = (answer: Answer) => {
      for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      return answer;
    };
    const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const page = keep(await send('GET', '/ville/connexion'));
    assert.equal(page.status, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(csrf, 'the login form carries its anti-forgery token');
    const form = new URLSearchParams({ _csrf: csrf, email: family.email, password: family.password }).toString();
    // From another address of the loopback than nginx's own: the portal must see this one.
    const login = keep(
      await send('POST', '/ville/connexion', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie(), 'x-forwarded-for': '198.51.100.7' },
        body: form,
        from: '127.0.0.2',
      }),
    );
    assert.equal(login.status, 302, login.body);
    for (let index = 0; index < 4; index++) {
      const home = await send('GET', '/ville/accueil', { headers: { cookie: cookie() } });
      assert.equal(home.status, 200);
      assert.match(home.body, /Malo/);
    }
    const served = new Set(await upstreamsOf('GET', '/ville/accueil', 4));
    assert.deepEqual([...served].sort(), portalPorts.map((port) => `127.0.0.1:${port}`).sort(), 'both processes served the family’s pages');

    const sessions = await portal.db.query<{ ip: string }>('select ip from sessions where account_id = $1', [family.accountId]);
    assert.deepEqual(
      sessions.rows.map((row) => row.ip),
      ['127.0.0.2'],
      'the portal saw the client’s address (X-Forwarded-For, TRUST_PROXY), not nginx’s, nor one the client wrote itself',
    );
  });

  it('refuses bodies over the portal’s limits before a portal reads them: 1 MiB for forms, 3 MiB around an upload', async () => {
    const refuse = async (path: string, bytes: number, contentType: string) => {
      // nginx answers 413 from the Content-Length alone and may close before the body is sent.
      const answer = await send('POST', path, { headers: { 'content-type': contentType }, body: Buffer.alloc(bytes, 97) }).catch(() => null);
      if (answer) assert.equal(answer.status, 413);
    };
    await refuse('/ville/connexion', 1024 * 1024 + 1024, 'application/x-www-form-urlencoded');
    await refuse('/ville/absences', 3 * 1024 * 1024 + 1024, 'multipart/form-data; boundary=x');
    assert.deepEqual((await upstreamsOf('POST', '/ville/connexion', 2)).slice(1), ['-']);
    assert.deepEqual(await upstreamsOf('POST', '/ville/absences', 1), ['-']);

    // An upload of 2 MiB goes through to a portal, which answers it (here: nobody is logged in).
    const upload = await send('POST', '/ville/absences', {
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: Buffer.alloc(2 * 1024 * 1024, 97),
    });
    assert.notEqual(upload.status, 413);
    assert.notEqual((await upstreamsOf('POST', '/ville/absences', 2))[1], '-');
  });

  it('cuts a client that stops sending its body, without a portal hearing of it', async () => {
    const socket = connect(nginxPort, '127.0.0.1');
    const started = Date.now();
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(
      'POST /ville/connexion?slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a%40b',
    );
    await closed;
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds >= BODY_TIMEOUT_SECONDS - 0.5 && seconds < BODY_TIMEOUT_SECONDS + 5, `cut after ${seconds} s`);
    assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), received);
    assert.deepEqual(await upstreamsOf('POST', '/ville/connexion?slow', 1), ['-'], 'no portal was asked');
  });

  it('serves the portal over TLS with the whole site file as it is, and sends plain HTTP to HTTPS', async () => {
    const folder = mkdtempSync(join(prefix, 'site-'));
    const certificate = join(folder, 'fullchain.pem');
    const key = join(folder, 'privkey.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=portail.example.fr',
        '-addext',
        'subjectAltName=DNS:portail.example.fr',
        '-keyout',
        key,
        '-out',
        certificate,
      ],
      { stdio: 'ignore' },
    );
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    // The file of deploy/ but for what a test machine cannot have: its ports, the certificate's
    // paths, the snippet's, and the portal processes' ports (an IPv6 loopback may be missing).
    const site = readFileSync(join(deploy, 'nginx.conf'), 'utf8')
      .replace('ssl_certificate /etc/letsencrypt/live/portail.example.fr/fullchain.pem;', `ssl_certificate ${certificate};`)
      .replace('ssl_certificate_key /etc/letsencrypt/live/portail.example.fr/privkey.pem;', `ssl_certificate_key ${key};`)
      .replace('include /etc/nginx/snippets/portail-famille-proxy.conf;', `include ${join(deploy, 'nginx-proxy.conf')};`)
      .replace(/^\s*listen \[::\].*$/gm, '')
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl http2 backlog=4096;', `listen 127.0.0.1:${httpsPort} ssl http2 backlog=4096;`)
      .replace('server 127.0.0.1:3001', `server 127.0.0.1:${portalPorts[0]}`)
      .replace('server 127.0.0.1:3002', `server 127.0.0.1:${portalPorts[1]}`);
    assert.match(await checkNginxConfig(folder, site), /syntax is ok[\s\S]*test is successful/);
    processes.push(await startNginx(folder, site, httpsPort));

    const page = await new Promise<Answer>((resolve, reject) => {
      const call = httpsRequest(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path: '/ville/connexion',
          servername: 'portail.example.fr',
          headers: { host: 'portail.example.fr' },
          ca: readFileSync(certificate),
        },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
        },
      );
      call.on('error', reject);
      call.end();
    });
    assert.equal(page.status, 200);
    assert.match(page.body, /Ville de Rivebelle/);
    const plain = await fetch(`http://127.0.0.1:${httpPort}/ville/connexion?x=1`, { redirect: 'manual' });
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.get('location'), 'https://127.0.0.1/ville/connexion?x=1', 'the same host and address, over HTTPS');
  });
});
