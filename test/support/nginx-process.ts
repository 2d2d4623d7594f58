import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's nginx (apt-get install nginx-light; .ci/run installs it). */
export const NGINX = '/usr/sbin/nginx';

/**
 * A test's reason to skip without nginx, or false. In CI (env CI set) it never skips: the test runs
 * and fails, since a skip there would hide that the proxy was not tested.
 */
export function withoutNginx(): string | false {
  return existsSync(NGINX) || process.env.CI ? false : `needs nginx at ${NGINX} (apt-get install nginx-light; .ci/run installs it)`;
}

/**
 * nginx's main configuration for a test: one process in the foreground, as the user running the
 * test (no workers to switch user for), every file it writes under `prefix`, then `http` as the
 * body of its http block.
 */
function writeMainConfig(prefix: string, http: string): string {
  for (const folder of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, folder), { recursive: true });
  const file = join(prefix, 'nginx.conf');
  writeFileSync(
    file,
    `daemon off;
master_process off;
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 128; }
http {
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
${http}
}
`,
  );
  return file;
}

/** `nginx -t` on the configuration: resolves with what it printed, rejects with it when the configuration is refused. */
export async function checkNginxConfig(prefix: string, http: string): Promise<string> {
  const file = writeMainConfig(prefix, http);
  const { stderr } = await promisify(execFile)(NGINX, ['-t', '-p', prefix, '-c', file, '-e', 'stderr']);
  return stderr;
}

/** Starts nginx in the foreground as a child of the test; resolves once it accepts connections on `port`. */
export async function startNginx(prefix: string, http: string, port: number): Promise<ChildProcess> {
  const file = writeMainConfig(prefix, http);
  const child = spawn(NGINX, ['-p', prefix, '-c', file, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
