import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { type Dispatcher, request } from 'undici';
import { startPortalProcess } from '../test/support/portal-process.js';

/** What every benchmark does the same way: its own database on a PostgreSQL server, the portal as its own process, figures. */

/** The PostgreSQL server the benchmarks make their databases on; a benchmark cannot run without one. */
export const serverUrl = (() => {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    console.error('Set BENCH_DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database).');
    process.exit(2);
  }
  return url;
})();

/** The address of a database of that server. */
export function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs work on one connection to a database of the server (the server itself by default), then closes it. */
export async function admin<T>(work: (client: pg.Client) => Promise<T>, url = serverUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The portal on the benchmark's database, behind the benchmark's addresses (X-Forwarded-For trusted). */
export function startServer(dbName: string, options: { port: number; secret?: string; nodeArgs?: string[] }): Promise<ChildProcess> {
  return startPortalProcess(
    {
      DATABASE_URL: databaseUrl(dbName),
      PORT: String(options.port),
      SECRET: options.secret ?? randomBytes(32).toString('hex'),
      DATA_DIR: `/tmp/pf-bench-${dbName}`,
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      TRUST_PROXY: 'true',
    },
    options.nodeArgs,
  );
}

export interface CpuSeconds {
  server: number;
  database: number;
  generator: number;
}

/**
 * CPU time used so far by the server, the PostgreSQL server and this load generator (Linux /proc;
 * null elsewhere). PostgreSQL's is its live processes' plus what the postmaster collected from
 * those that ended (a pool's idle connection closed during a run takes its time with it otherwise,
 * and a difference of two readings can come out near zero). It is the whole server's, other
 * databases' work included.
 */
export function cpuSeconds(serverPid: number): CpuSeconds | null {
  const ticksPerSecond = 100;
  // /proc/<pid>/stat after the command's closing parenthesis: state, ppid, … utime, stime, cutime, cstime.
  const statOf = (pid: string) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return { parent: fields[1]!, own: fields[11]! + fields[12]!, children: fields[13]! + fields[14]! };
  };
  try {
    let database = 0;
    const postmasters = new Set<number>();
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres:')) continue;
        const stat = statOf(pid);
        database += stat.own;
        postmasters.add(stat.parent);
      } catch {
        // The process ended meanwhile.
      }
    }
    for (const pid of postmasters) {
      const stat = statOf(String(pid));
      database += stat.own + stat.children;
    }
    const own = process.cpuUsage();
    return { server: statOf(String(serverPid)).own / ticksPerSecond, database: database / ticksPerSecond, generator: (own.user + own.system) / 1e6 };
  } catch {
    return null;
  }
}

/** The p-th percentile of the values (0 when there are none). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** A parent's browser in a benchmark: its address (RFC 2544's benchmark range), cookies and last anti-forgery token. */
export interface BenchParent {
  address: string;
  cookies: Map<string, string>;
  csrf: string;
}

/** One request of a parent's browser, keeping the cookies and the anti-forgery token its answer gives. */
export async function parentRequest(dispatcher: Dispatcher, url: string, parent: BenchParent, method: 'GET' | 'POST', form?: URLSearchParams) {
  const headers: Record<string, string> = { cookie: [...parent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-forwarded-for': parent.address };
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await request(url, { method, headers, body: form?.toString(), dispatcher });
  const setCookies = response.headers['set-cookie'];
  for (const cookie of Array.isArray(setCookies) ? setCookies : setCookies ? [setCookies] : []) {
    const [pair] = cookie.split(';');
    const [name, ...value] = pair!.split('=');
    parent.cookies.set(name!.trim(), value.join('='));
  }
  const body = await response.body.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (token) parent.csrf = token;
  return { status: response.statusCode, headers: response.headers, body };
}
