// Registration day, measured: an authority with 5,000 households opens a first-come summer week
// with 300 places a day; 500 parents log in beforehand and all book at the opening moment, over
// HTTP, retrying on 503. Prints throughput, latency percentiles, errors and the database checks,
// and a plain one-row-update baseline measured in the same run on the same server; then times the
// lottery draw of a second week for which every household applied.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:rush
//
// Options (environment): RUSH_HOUSEHOLDS (5000), RUSH_PARENTS (500), RUSH_PLACES (300), RUSH_PORT (3900),
// RUSH_PROCESSES (1: that many portal processes on the database, on ports RUSH_PORT, RUSH_PORT+1…, the
// parents spread over them as a reverse proxy spreads its connections), RUSH_CLICK_SPREAD_MS (1000: the
// parents click one after the other over that long; 0 for all at once).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { execFileSync } from 'node:child_process';
import { Client } from 'undici';
import { openDatabase } from '../src/db/database.js';
import { upkeepEmbeddedDatabase } from '../src/db/embedded-upkeep.js';
import { inTenant } from '../src/db/tenant-scope.js';
import { SYSTEM } from '../src/modules/actor.js';
import { runLottery } from '../src/modules/lottery/lottery-draw.js';
import { admin, type BenchParent, type CpuSeconds, cpuSeconds, databaseUrl, percentile, parentRequest, startServer } from './bench-support.js';

const HOUSEHOLDS = Number(process.env.RUSH_HOUSEHOLDS ?? 5000);
const PARENTS = Number(process.env.RUSH_PARENTS ?? 500);
const PLACES = Number(process.env.RUSH_PLACES ?? 300);
const PORT = Number(process.env.RUSH_PORT ?? 3900);
const PROCESSES = Number(process.env.RUSH_PROCESSES ?? 1);
// The parents click one after the other over this long from the opening (0: all in the same instant).
const CLICK_SPREAD_MS = Number(process.env.RUSH_CLICK_SPREAD_MS ?? 1000);
// Clicks closer than this are not ranked against each other: their order is the network's, not the parents'.
const ORDER_TOLERANCE_MS = 10;
const PASSWORD = 'Rentree-Ete-2027';
// A week without a public holiday (14 July would be refused, as it should).
const WEEK = ['2027-07-19', '2027-07-20', '2027-07-21', '2027-07-22', '2027-07-23'];
const LOTTERY_WEEK = ['2027-07-26', '2027-07-27', '2027-07-28', '2027-07-29', '2027-07-30'];

/** The authority, its 5,000 households, the summer activity and its first-come period (opening later). */
async function seed(
  url: string,
): Promise<{ tenantId: string; activityId: string; unitId: string; periodId: string; parents: { email: string; children: string[] }[] }> {
  const seeded = await admin(async (db) => {
    // No school holidays are loaded: the authority books every day as a school day.
    const tenant = (
      await db.query(
        `insert into tenants (slug, name, settings) values ('rush', 'Ville de la Ruée (banc d''essai)', '{"unknownSchoolYearBookings":"open"}') returning id`,
      )
    ).rows[0].id as string;
    const passwordHash = await hash(PASSWORD);
    const parents: { email: string; children: string[] }[] = [];
    for (let start = 0; start < HOUSEHOLDS; start += 500) {
      const count = Math.min(500, HOUSEHOLDS - start);
      const ids = Array.from({ length: count }, (_, i) => start + i);
      const households = await db.query(
        `insert into households (tenant_id, family_number, name) select $1, lpad(n::text, 6, '0'), 'FAMILLE ' || n from unnest($2::int[]) n returning id, family_number`,
        [tenant, ids],
      );
      for (const household of households.rows as { id: string; family_number: string }[]) {
        const n = Number(household.family_number);
        const childCount = n % 3 === 0 ? 2 : 1;
        const people = await db.query(
          `insert into persons (tenant_id, first_name, last_name, birth_date) select $1, p.first, 'FAMILLE' || $2::text, p.birth from (values ('Parent', null::date), ('Enfant1', '2017-05-01'::date), ('Enfant2', '2019-05-01'::date)) p(first, birth) limit $3 returning id, first_name`,
          [tenant, n, 1 + childCount],
        );
        const [guardian, ...children] = people.rows as { id: string }[];
        await db.query(
          `insert into household_members (tenant_id, household_id, person_id, role) select $1, $2, id, case when id = $3 then 'guardian' else 'child' end from unnest($4::uuid[]) id`,
          [tenant, household.id, guardian!.id, people.rows.map((row: { id: string }) => row.id)],
        );
        if (n < PARENTS) {
          const email = `parent${n}@ruee.example`;
          await db.query(
            `insert into accounts (tenant_id, email, kind, household_id, person_id, display_name, password_hash, status) values ($1, $2, 'family', $3, $4, $5, $6, 'active')`,
            [tenant, email, household.id, guardian!.id, `Parent ${n}`, passwordHash],
          );
          parents.push({ email, children: children.map((child) => child.id) });
        }
      }
    }
    const activity = (
      await db.query(
        `insert into activities (tenant_id, name, kind, starts_on, ends_on, weekdays, opening, requires_enrollment, booking_deadline, cancellation_deadline)
       values ($1, 'Accueil de loisirs — été 2027', 'alsh_holidays', '2027-07-05', '2027-08-27', '{1,2,3,4,5}', 'all', false, '{"type":"days_before","days":1,"time":"00:00"}', '{"type":"days_before","days":1,"time":"00:00"}') returning id`,
        [tenant],
      )
    ).rows[0].id as string;
    const unit = (await db.query(`insert into units (tenant_id, activity_id, name, code) values ($1, $2, 'Journée', 'J') returning id`, [tenant, activity]))
      .rows[0].id as string;
    await db.query(`insert into capacity_pools (tenant_id, activity_id, unit_ids, places) values ($1, $2, $3, $4)`, [tenant, activity, [unit], PLACES]);
    const period = (
      await db.query(
        `insert into booking_periods (tenant_id, activity_id, name, first_day, last_day, opens_at, closes_at) values ($1, $2, 'Été 2027 — semaine 1', $3, $4, now() + interval '1 day', now() + interval '30 days') returning id`,
        [tenant, activity, WEEK[0], WEEK[WEEK.length - 1]],
      )
    ).rows[0].id as string;
    return { tenantId: tenant, activityId: activity, unitId: unit, periodId: period, parents };
  }, url);
  // An authority's households have statistics long before registration day: give them what
  // autovacuum would have, by the embedded database's upkeep (autovacuum's rules), whether or not
  // this server runs autovacuum. A table still empty (the bookings of a new installation) stays unanalysed.
  const database = await openDatabase({ databaseUrl: url, poolSize: 1, priorityPoolSize: 1 });
  try {
    await upkeepEmbeddedDatabase(database);
  } finally {
    await database.close();
  }
  return seeded;
}

interface Parent extends BenchParent {
  email: string;
  children: string[];
  /** The parent's browser's own connection, kept open as a browser does, to one of the processes. */
  connection: Client;
  origin: string;
  /** When the parent first clicked "book", and when the final answer came (performance.now()). */
  clickedAt: number;
  answeredAt: number;
  /** When the booking line's turn that booked the parent's choices started (its transaction's time, ms since the epoch). */
  servedAt: number;
}

const originOf = (processIndex: number) => `http://127.0.0.1:${PORT + processIndex}`;

function call(parent: Parent, method: 'GET' | 'POST', path: string, form?: URLSearchParams) {
  return parentRequest(parent.connection, `${parent.origin}/rush${path}`, parent, method, form);
}

/**
 * The kernel's count of connections dropped because a listening socket's queue was full, for the
 * whole machine (nstat, without touching its history file); null without nstat.
 */
function listenOverflows(): number | null {
  try {
    const text = execFileSync('nstat', ['-asz', 'TcpExtListenOverflows'], { encoding: 'utf8' });
    return Number(/TcpExtListenOverflows\s+(\d+)/.exec(text)?.[1] ?? 0);
  } catch {
    return null;
  }
}

/** Requests that failed to connect or lost their connection (ECONNRESET, refused…), by error code. */
const connectionErrors = new Map<string, number>();

async function logIn(parent: Parent): Promise<void> {
  await call(parent, 'GET', '/connexion');
  const response = await call(parent, 'POST', '/connexion', new URLSearchParams({ _csrf: parent.csrf, email: parent.email, password: PASSWORD }));
  if (response.status !== 302)
    throw new Error(
      `login of ${parent.email} answered ${response.status}: ${/<h1>([^<]*)<\/h1>[\s\S]*?<p[^>]*>([^<]*)/.exec(response.body)?.slice(1).join(' — ')}`,
    );
  await call(parent, 'GET', '/accueil');
}

interface Attempt {
  ms: number;
  status: number;
  /** 0 for the parent's first attempt, at the opening; 1, 2… for its retries after a 503. */
  retry: number;
}

/**
 * One parent's booking of the week for each child, retrying after a 503 as the page does (and
 * after a connection error, as a parent clicks again); status 0 is a connection error.
 */
async function book(
  parent: Parent,
  activityId: string,
  unitId: string,
  attempts: Attempt[],
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const form = new URLSearchParams({ _csrf: parent.csrf, activite: activityId });
  for (const child of parent.children) for (const day of WEEK) form.append('choix', `${child}|${unitId}|${day}`);
  parent.clickedAt = performance.now();
  for (let retry = 0; ; retry++) {
    const started = performance.now();
    const response = await call(parent, 'POST', '/reservations', form).catch((error: { code?: string }) => {
      connectionErrors.set(error.code ?? 'other', (connectionErrors.get(error.code ?? 'other') ?? 0) + 1);
      return { status: 0, headers: {} as Record<string, string | string[] | undefined>, body: '' };
    });
    attempts.push({ ms: performance.now() - started, status: response.status, retry });
    parent.answeredAt = performance.now();
    if (response.status !== 503 && response.status !== 0) return response;
    // As the page does: sent again with the ticket that keeps the first click's place, when told.
    const ticket = /name="ticket" value="([^"]+)"/.exec(response.body)?.[1];
    if (ticket) form.set('ticket', ticket);
    const told = Number(/data-retry-in-ms="(\d+)"/.exec(response.body)?.[1] ?? Number(response.headers['retry-after'] ?? 1) * 1000);
    await new Promise((resolve) => setTimeout(resolve, told * (1 + Math.random() * 0.1)));
  }
}

/**
 * How far an order departs from the order of the first clicks: the share of pairs of parents in the
 * other order than they clicked, the longest an earlier click came after a later one, and how much
 * later than a parent the latest click that came before it was (the line's window: clicks closer
 * than that are served in the order they reach it). `at` is
 * the parent's place in that order: when its final answer came, or when the turn that booked it
 * started (a turn serves its submissions in click order, in one transaction: its parents tie).
 */
function orderAgainstClicks(
  parents: Parent[],
  at: (parent: Parent) => number,
): { pairs: number; outOfOrderShare: number; worstDelayMs: number; widestPassMs: number } {
  const byClick = [...parents].sort((a, b) => a.clickedAt - b.clickedAt);
  // The earliest among the parents from each one on (in click order).
  const earliestFrom = new Array<number>(byClick.length + 1).fill(Number.POSITIVE_INFINITY);
  for (let i = byClick.length - 1; i >= 0; i--) earliestFrom[i] = Math.min(earliestFrom[i + 1]!, at(byClick[i]!));
  let inversions = 0;
  let pairs = 0;
  let worstDelayMs = 0;
  let widestPassMs = 0;
  let later = 0;
  for (let i = 0; i < byClick.length; i++) {
    // The first parent who clicked clearly later than this one.
    while (later < byClick.length && byClick[later]!.clickedAt < byClick[i]!.clickedAt + ORDER_TOLERANCE_MS) later += 1;
    worstDelayMs = Math.max(worstDelayMs, at(byClick[i]!) - earliestFrom[later]!);
    // Counted pair by pair: 2,500 parents are three million pairs, a fraction of a second.
    for (let j = later; j < byClick.length; j++) {
      pairs += 1;
      if (at(byClick[i]!) > at(byClick[j]!)) {
        inversions += 1;
        widestPassMs = Math.max(widestPassMs, byClick[j]!.clickedAt - byClick[i]!.clickedAt);
      }
    }
  }
  return { pairs, outOfOrderShare: pairs === 0 ? 0 : inversions / pairs, worstDelayMs, widestPassMs };
}

/** The CPU time of every portal process together (the database's and the generator's counted once). */
function serversCpu(servers: ChildProcess[]): CpuSeconds | null {
  const each = servers.map((server) => cpuSeconds(server.pid!));
  if (each.some((cpu) => cpu === null)) return null;
  return { ...each[0]!, server: each.reduce((sum, cpu) => sum + cpu!.server, 0) };
}

/** A pgbench-like baseline: concurrent single-row updates, one transaction each, for a few seconds. */
async function baselineTps(url: string, clients: number, seconds: number): Promise<number> {
  await admin(
    (db) =>
      db.query(
        'create table bench_counter (id int primary key, n bigint not null default 0); insert into bench_counter select g from generate_series(1, 100) g',
      ),
    url,
  );
  const pool = new pg.Pool({ connectionString: url, max: clients });
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        await pool.query('update bench_counter set n = n + 1 where id = $1', [1 + Math.floor(Math.random() * 100)]);
        count += 1;
      }
    }),
  );
  await pool.end();
  return count / seconds;
}

/**
 * The same authority's second summer week, allocated by lottery: every one of the 5,000 households
 * has applied for each child on each day; the draw (priority to residents, then siblings) runs in
 * this process through the module, as the staff's button does, and is timed.
 */
async function timeLottery(url: string, data: { tenantId: string; activityId: string; unitId: string }) {
  const periodId = await admin(async (db) => {
    const period = (
      await db.query(
        `insert into booking_periods (tenant_id, activity_id, name, first_day, last_day, opens_at, closes_at, allocation)
       values ($1, $2, 'Été 2027 — semaine 2 (tirage au sort)', $3, $4, now() - interval '20 days', now() - interval '1 minute', 'lottery') returning id`,
        [data.tenantId, data.activityId, LOTTERY_WEEK[0], LOTTERY_WEEK[LOTTERY_WEEK.length - 1]],
      )
    ).rows[0].id as string;
    await db.query(
      `insert into lottery_settings (period_id, tenant_id, criteria, resident_postcodes, seed, seed_published_at, updated_at)
       values ($1, $2, '{resident,siblings}', '{41000}', $3, now() - interval '20 days', now())`,
      [period, data.tenantId, randomBytes(32).toString('hex')],
    );
    await db.query(`update households set postcode = case when family_number::int % 4 = 0 then '41100' else '41000' end where tenant_id = $1`, [data.tenantId]);
    await db.query(
      `insert into lottery_applications (tenant_id, period_id, household_id, child_id, unit_id, day, created_at)
       select $1, $2, m.household_id, m.person_id, $3, d.day, now() - interval '2 days'
       from household_members m cross join unnest($4::date[]) d(day)
       where m.tenant_id = $1 and m.role = 'child'`,
      [data.tenantId, period, data.unitId, LOTTERY_WEEK],
    );
    return period;
  }, url);
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    const started = performance.now();
    const result = await inTenant(database, data.tenantId, (tx) => runLottery({ tx, tenantId: data.tenantId, actor: SYSTEM, now: new Date() }, periodId));
    return { ms: performance.now() - started, result };
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const dbName = `pf_bench_${randomBytes(5).toString('hex')}`;
  await admin((db) => db.query(`create database ${dbName}`));
  // RUSH_LOG_SLOW_MS=n: the server logs every statement slower than n ms (to find where time goes).
  if (process.env.RUSH_LOG_SLOW_MS)
    await admin((db) => db.query(`alter database ${dbName} set log_min_duration_statement = ${Number(process.env.RUSH_LOG_SLOW_MS)}`));
  let servers: ChildProcess[] = [];
  let parents: Parent[] = [];
  try {
    // The server applies the migrations at start; the data is seeded after, then the server reloads its tenants.
    const nodeArgs = process.env.RUSH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RUSH_PROFILE}`] : [];
    const migrator = await startServer(dbName, { port: PORT, nodeArgs });
    migrator.kill('SIGTERM');
    await new Promise((resolve) => migrator.once('exit', resolve));
    let t = performance.now();
    const data = await seed(databaseUrl(dbName));
    console.log(`seeded ${HOUSEHOLDS} households (${data.parents.length} parents with accounts) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Several processes share one SECRET, as a deployment's do: a ticket given by one is honoured by all.
    const secret = randomBytes(32).toString('hex');
    servers = await Promise.all(Array.from({ length: PROCESSES }, (_, index) => startServer(dbName, { port: PORT + index, secret, nodeArgs })));

    parents = data.parents.map((p, index) => ({
      ...p,
      address: `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      cookies: new Map(),
      csrf: '',
      origin: originOf(index % PROCESSES),
      connection: new Client(originOf(index % PROCESSES), { pipelining: 1, keepAliveTimeout: 120_000 }),
      clickedAt: 0,
      answeredAt: 0,
      servedAt: 0,
    }));
    t = performance.now();
    const overflowsBeforeLogin = listenOverflows();
    await Promise.all(parents.map(logIn));
    const overflowsAfterLogin = listenOverflows();
    console.log(
      `${parents.length} parents logged in over HTTP, each on its own connection, in ${((performance.now() - t) / 1000).toFixed(1)} s (listen-queue overflows: ${overflowsAfterLogin === null ? 'nstat missing' : overflowsAfterLogin - overflowsBeforeLogin!})`,
    );

    // Before the opening, nothing can be booked, whatever is posted.
    const early = await book(parents[0]!, data.activityId, data.unitId, []);
    // The answer is kept behind a redirect (issue #16): its page says what happened.
    const earlyPage = early.status === 303 ? await call(parents[0]!, 'GET', String(early.headers.location).replace(/^\/rush/, '')) : early;
    const earlyBooked = await admin(async (db) => Number((await db.query('select count(*) from bookings')).rows[0].count), databaseUrl(dbName));
    console.log(
      `posted before the opening: HTTP ${early.status}, bookings created: ${earlyBooked} (${/pas encore ouvertes/.test(earlyPage.body) ? 'refused: not open yet' : 'UNEXPECTED'})`,
    );

    const openingDelayMs = 3000;
    await admin(
      (db) => db.query(`update booking_periods set opens_at = now() + ($1 || ' milliseconds')::interval where id = $2`, [openingDelayMs, data.periodId]),
      databaseUrl(dbName),
    );
    await new Promise((resolve) => setTimeout(resolve, openingDelayMs + 50));

    const attempts: Attempt[] = [];
    const cpuBefore = serversCpu(servers);
    const overflowsBefore = listenOverflows();
    connectionErrors.clear();
    t = performance.now();
    const results = await Promise.all(
      parents.map(async (parent, index) => {
        if (CLICK_SPREAD_MS > 0) await new Promise((resolve) => setTimeout(resolve, (index * CLICK_SPREAD_MS) / parents.length));
        return book(parent, data.activityId, data.unitId, attempts);
      }),
    );
    const rushSeconds = (performance.now() - t) / 1000;
    const cpuAfter = serversCpu(servers);
    const overflowsAfter = listenOverflows();

    const checks = await admin(async (db) => {
      const one = async (text: string, values: unknown[] = []) => (await db.query(text, values)).rows[0];
      return {
        byStatus: (await db.query(`select status, count(*)::int as n from bookings group by status order by status`)).rows as { status: string; n: number }[],
        oversold:
          Number((await one(`select count(*)::int as n from capacity_days where taken > places`)).n) +
          Number(
            (
              await one(
                `select count(*)::int as n from (select day from bookings where status in ('reserved','requested') group by unit_id, day having count(*) > $1) d`,
                [PLACES],
              )
            ).n,
          ),
        duplicates: Number(
          (
            await one(
              `select count(*)::int as n from (select 1 from bookings where status not in ('refused','cancelled') group by child_id, unit_id, day having count(*) > 1) d`,
            )
          ).n,
        ),
        badRanks: Number(
          (
            await one(
              `select count(*)::int as n from (select unit_id, day, group_id, array_agg(waitlist_rank order by waitlist_rank) as ranks, count(*) as c from bookings where status = 'waitlisted' group by unit_id, day, group_id) w where w.ranks <> array(select generate_series(1, w.c::int))`,
            )
          ).n,
        ),
        asked: parents.reduce((sum, parent) => sum + parent.children.length * WEEK.length, 0),
        answered: Number((await one(`select count(*)::int as n from bookings`)).n),
        servedAt: new Map(
          (await db.query(`select child_id, min(extract(epoch from created_at) * 1000)::float8 as served_at from bookings group by child_id`)).rows.map(
            (row: { child_id: string; served_at: number }) => [row.child_id, row.served_at],
          ),
        ),
      };
    }, databaseUrl(dbName));

    const latencies = attempts.map((attempt) => attempt.ms).sort((a, b) => a - b);
    const served = attempts
      .filter((attempt) => attempt.status !== 503)
      .map((attempt) => attempt.ms)
      .sort((a, b) => a - b);
    const errors5xx = attempts.filter((attempt) => attempt.status >= 500 && attempt.status !== 503).length;
    const shed = attempts.filter((attempt) => attempt.status === 503).length;
    // A booking answered is sent on to its result page (303).
    const notOk = results.filter((result) => result.status !== 303).length;
    const booked = checks.byStatus.filter((row) => row.status === 'reserved' || row.status === 'waitlisted').reduce((sum, row) => sum + row.n, 0);

    const baseline = await baselineTps(databaseUrl(dbName), 10, 5);
    const bookingsPerSecond = booked / rushSeconds;

    console.log('\n=== rush: first-come opening ===');
    console.log(
      `parents: ${parents.length} on ${PROCESSES} portal process${PROCESSES > 1 ? 'es' : ''}, choices asked: ${checks.asked}, rush wall time: ${rushSeconds.toFixed(2)} s`,
    );
    console.log(`bookings per second: ${bookingsPerSecond.toFixed(0)} (${booked} reserved or waiting)`);
    console.log(
      `booking request latency, every attempt: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms (${attempts.length} attempts)`,
    );
    console.log(
      `booking request latency, answered (not 503): p50 ${percentile(served, 50).toFixed(0)} ms, p95 ${percentile(served, 95).toFixed(0)} ms, p99 ${percentile(served, 99).toFixed(0)} ms`,
    );
    // The first wave (every parent at the opening second) is where the tail is; the retries come spread.
    const firstWave = attempts.filter((attempt) => attempt.retry === 0);
    const firstAnswered = firstWave
      .filter((attempt) => attempt.status !== 503)
      .map((attempt) => attempt.ms)
      .sort((a, b) => a - b);
    const firstTurnedAway = firstWave
      .filter((attempt) => attempt.status === 503)
      .map((attempt) => attempt.ms)
      .sort((a, b) => a - b);
    const retries = attempts
      .filter((attempt) => attempt.retry > 0)
      .map((attempt) => attempt.ms)
      .sort((a, b) => a - b);
    console.log(
      `  first attempts: ${firstAnswered.length} answered, p99 ${percentile(firstAnswered, 99).toFixed(0)} ms; ${firstTurnedAway.length} turned away, p99 ${percentile(firstTurnedAway, 99).toFixed(0)} ms; retries: ${retries.length}, p99 ${percentile(retries, 99).toFixed(0)} ms`,
    );
    console.log(`503 answers (load shed, retried): ${shed}; other 5xx: ${errors5xx}; final answers not 303 (the result page): ${notOk}`);
    console.log(
      `connection errors: ${[...connectionErrors.values()].reduce((sum, n) => sum + n, 0)}${connectionErrors.size > 0 ? ` (${[...connectionErrors].map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}; listen-queue overflows during the rush (nstat, whole machine): ${overflowsAfter === null ? 'nstat missing' : overflowsAfter - overflowsBefore!}`,
    );
    const waits = parents.map((parent) => parent.answeredAt - parent.clickedAt).sort((a, b) => a - b);
    console.log(
      `per parent, first click to final answer: p50 ${percentile(waits, 50).toFixed(0)} ms, p99 ${percentile(waits, 99).toFixed(0)} ms, max ${waits.at(-1)!.toFixed(0)} ms`,
    );
    for (const parent of parents) parent.servedAt = checks.servedAt.get(parent.children[0]!) ?? Number.POSITIVE_INFINITY;
    const serviceOrder = orderAgainstClicks(parents, (parent) => parent.servedAt);
    const answerOrder = orderAgainstClicks(parents, (parent) => parent.answeredAt);
    const ordered = (order: ReturnType<typeof orderAgainstClicks>) =>
      `${(order.outOfOrderShare * 100).toFixed(1)} % of pairs out of order, an earlier click ${Math.max(0, order.worstDelayMs).toFixed(0)} ms at most behind a later one, passed only by clicks at most ${order.widestPassMs.toFixed(0)} ms after it`;
    console.log(`against click order (clicks spread over ${CLICK_SPREAD_MS} ms; pairs ${ORDER_TOLERANCE_MS} ms or more apart: ${serviceOrder.pairs}):`);
    console.log(`  service order (the turn that booked each parent, from the database): ${ordered(serviceOrder)}`);
    console.log(`  answer order (as the parents saw their final answers): ${ordered(answerOrder)}`);
    console.log(`by status: ${checks.byStatus.map((row) => `${row.status} ${row.n}`).join(', ')}`);
    console.log(
      `places oversold: ${checks.oversold}; duplicate bookings: ${checks.duplicates}; waiting lists not 1..n: ${checks.badRanks}; lost choices: ${checks.asked - checks.answered}`,
    );
    if (cpuBefore && cpuAfter) {
      const used = (key: keyof CpuSeconds) => (cpuAfter[key] - cpuBefore[key]).toFixed(2);
      console.log(
        `CPU seconds during the rush (2 cores give ${(2 * rushSeconds).toFixed(2)}): server ${used('server')}, database ${used('database')}, load generator ${used('generator')}`,
      );
    }
    console.log(`baseline (one-row update, 10 clients): ${baseline.toFixed(0)} transactions per second`);
    console.log(`ratio bookings per second / baseline TPS: ${(bookingsPerSecond / baseline).toFixed(3)}`);

    const draw = await timeLottery(databaseUrl(dbName), data);
    console.log('\n=== lottery: second week, every household applying ===');
    if (draw.result.kind !== 'drawn') console.log(`draw did not run: ${draw.result.kind}`);
    else {
      const { households, applications, reserved, waitlisted, refused, already } = draw.result;
      console.log(
        `draw of ${applications} applications from ${households} households: ${(draw.ms / 1000).toFixed(2)} s (reserved ${reserved}, waiting ${waitlisted}, refused ${refused}, already ${already})`,
      );
    }
  } finally {
    await Promise.all(
      servers.map((server) => {
        server.kill('SIGTERM');
        return new Promise((resolve) => server.once('exit', resolve));
      }),
    );
    await Promise.all(parents.map((parent) => parent.connection.close()));
    if (!process.env.RUSH_KEEP_DATABASE) await admin((db) => db.query(`drop database if exists ${dbName} with (force)`));
  }
}

await main();
