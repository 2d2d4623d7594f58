// The families' pages, measured (issue #16): an authority with 5,000 households; 20 parents logged
// in at once ask each page again and again. For the booking calendar (1, 2 and 3 children, a month
// and a whole period), the month planning and the home page: the time from request to whole answer
// over the loopback (p50, p95), for one parent alone (the page's own cost) and for the 20 at once
// (the same plus the wait behind the others), the requests per second, and the bytes of HTML. Once on a PostgreSQL server, once on the
// embedded database (PGlite), each with the portal as its own process.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:pages
//
// Options (environment): PAGES_HOUSEHOLDS (5000), PAGES_CLIENTS (20), PAGES_ROUNDS (15 requests per
// client and page), PAGES_ALONE_ROUNDS (100 requests of the parent alone: a p95 of fewer says
// little), PAGES_PORT (3910), PAGES_DATABASES ("postgresql,pglite"), PAGES_ONLY (one page's
// name as printed, e.g. "calendar, month, 2 children"), PAGES_PROFILE (a folder: the portal writes its
// CPU profile there, `node --cpu-prof`, to see where a page's time goes).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import { Agent } from 'undici';
import { type Database, openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { startPortalProcess } from '../test/support/portal-process.js';
import { admin, type BenchParent, databaseUrl, percentile, parentRequest, startServer } from './bench-support.js';

const HOUSEHOLDS = Number(process.env.PAGES_HOUSEHOLDS ?? 5000);
const CLIENTS = Number(process.env.PAGES_CLIENTS ?? 20);
const ROUNDS = Number(process.env.PAGES_ROUNDS ?? 15);
const ALONE_ROUNDS = Number(process.env.PAGES_ALONE_ROUNDS ?? 100);
const PORT = Number(process.env.PAGES_PORT ?? 3910);
const DATABASES = (process.env.PAGES_DATABASES ?? 'postgresql,pglite').split(',');
const ONLY = process.env.PAGES_ONLY;
const PORTAL_NODE_ARGS = process.env.PAGES_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PAGES_PROFILE}`] : [];
const PASSWORD = 'Pages-Famille-2027';
/** The clock of the run is the machine's: the month and period benched are ahead of it. */
const MONTH = (() => {
  const next = new Date();
  next.setUTCMonth(next.getUTCMonth() + 2, 1);
  return next.toISOString().slice(0, 7);
})();

interface Seeded {
  periscolaire: string;
  wednesdays: string;
  periodId: string;
  /** Parents with accounts, by number of children (1, 2 or 3), each with their children's ids. */
  parents: Map<number, { email: string; children: string[] }[]>;
}

/**
 * The authority: households of 1 to 3 children; a before/after-school activity (Matin, Repas,
 * Soir on school days, with places) whose children are booked every morning of the month benched;
 * the Wednesdays (Journée, Matin, Après-midi, Repas) booked by a period of three months.
 */
async function seed(db: Database): Promise<Seeded> {
  const one = async <T>(text: string, values: unknown[] = []) => (await db.query<T>(text, values)).rows[0]!;
  // No school holidays are loaded: the authority books every day as a school day.
  const tenant = (
    await one<{ id: string }>(
      `insert into tenants (slug, name, settings) values ('pages', 'Ville des Pages (banc d''essai)', '{"unknownSchoolYearBookings":"open"}') returning id`,
    )
  ).id;
  await db.query(`select set_config('app.tenant_id', $1, false)`, [tenant]);
  const passwordHash = await hash(PASSWORD);
  const start = `${MONTH}-01`;
  const activity = async (name: string, kind: string, weekdays: string) =>
    (
      await one<{ id: string }>(
        `insert into activities (tenant_id, name, kind, starts_on, ends_on, weekdays, opening, requires_enrollment, booking_deadline, cancellation_deadline)
         values ($1, $2, $3, $4::date - 60, $4::date + 200, $5, 'all', false, '{"type":"days_before","days":2,"time":"00:00"}', '{"type":"days_before","days":2,"time":"00:00"}') returning id`,
        [tenant, name, kind, start, weekdays],
      )
    ).id;
  const periscolaire = await activity('Accueil périscolaire', 'periscolaire', '{1,2,4,5}');
  const wednesdays = await activity('Accueil de loisirs — mercredis', 'alsh_wednesday', '{3}');
  const units = async (activityId: string, names: string[]) => {
    const ids: string[] = [];
    for (const [position, name] of names.entries()) {
      ids.push(
        (
          await one<{ id: string }>(`insert into units (tenant_id, activity_id, name, code, position) values ($1, $2, $3, $4, $5) returning id`, [
            tenant,
            activityId,
            name,
            name.slice(0, 2).toUpperCase(),
            position,
          ])
        ).id,
      );
    }
    return ids;
  };
  const periUnits = await units(periscolaire, ['Matin', 'Repas', 'Soir']);
  const wedUnits = await units(wednesdays, ['Journée', 'Matin', 'Après-midi', 'Repas']);
  for (const unit of [...periUnits, wedUnits[0]!]) {
    await db.query(
      `insert into capacity_pools (tenant_id, activity_id, unit_ids, places) values ($1, (select activity_id from units where id = $2), $3, 4000)`,
      [tenant, unit, [unit]],
    );
  }
  await db.query(`update units set excludes = $2 where id = $1`, [wedUnits[0], [wedUnits[1], wedUnits[2]]]);
  const periodId = (
    await one<{ id: string }>(
      `insert into booking_periods (tenant_id, activity_id, name, first_day, last_day, opens_at, closes_at) values ($1, $2, 'Mercredis — trois mois', $3::date, $3::date + 90, now() - interval '1 day', now() + interval '20 days') returning id`,
      [tenant, wednesdays, start],
    )
  ).id;

  const parents = new Map<number, { email: string; children: string[] }[]>([
    [1, []],
    [2, []],
    [3, []],
  ]);
  for (let from = 0; from < HOUSEHOLDS; from += 500) {
    const numbers = Array.from({ length: Math.min(500, HOUSEHOLDS - from) }, (_, i) => from + i);
    const households = await db.query<{ id: string; family_number: string }>(
      `insert into households (tenant_id, family_number, name) select $1, lpad(n::text, 6, '0'), 'FAMILLE ' || n from unnest($2::int[]) n returning id, family_number`,
      [tenant, numbers],
    );
    for (const household of households.rows) {
      const n = Number(household.family_number);
      const childCount = 1 + (n % 3);
      const people = await db.query<{ id: string }>(
        `insert into persons (tenant_id, first_name, last_name, birth_date) select $1, p.first, 'FAMILLE' || $2::text, p.birth
         from (values (0, 'Parent', null::date), (1, 'Enfant1', '2017-05-01'::date), (2, 'Enfant2', '2019-05-01'::date), (3, 'Enfant3', '2020-05-01'::date)) p(i, first, birth)
         where p.i <= $3 order by p.i returning id`,
        [tenant, n, childCount],
      );
      const [guardian, ...children] = people.rows;
      await db.query(
        `insert into household_members (tenant_id, household_id, person_id, role) select $1, $2, id, case when id = $3 then 'guardian' else 'child' end from unnest($4::uuid[]) id`,
        [tenant, household.id, guardian!.id, people.rows.map((row) => row.id)],
      );
      const list = parents.get(childCount)!;
      if (list.length < CLIENTS) {
        const email = `parent${n}@pages.example`;
        await db.query(
          `insert into accounts (tenant_id, email, kind, household_id, person_id, display_name, password_hash, status) values ($1, $2, 'family', $3, $4, $5, $6, 'active')`,
          [tenant, email, household.id, guardian!.id, `Parent ${n}`, passwordHash],
        );
        list.push({ email, children: children.map((child) => child.id) });
      }
    }
  }
  // Every child booked every morning of the month, and every Wednesday Journée of its first weeks.
  await db.query(
    `insert into bookings (tenant_id, child_id, unit_id, day, household_id, status, created_at, updated_at)
     select $1, m.person_id, $2, d::date, m.household_id, 'reserved', now(), now()
     from household_members m cross join generate_series($3::date, ($3::date + interval '1 month' - interval '1 day'), interval '1 day') d
     where m.tenant_id = $1 and m.role = 'child' and extract(isodow from d) in (1, 2, 4, 5)`,
    [tenant, periUnits[0], start],
  );
  await db.query(
    `insert into bookings (tenant_id, child_id, unit_id, day, household_id, status, created_at, updated_at)
     select $1, m.person_id, $2, d::date, m.household_id, 'reserved', now(), now()
     from household_members m cross join generate_series($3::date, $3::date + 27, interval '1 day') d
     where m.tenant_id = $1 and m.role = 'child' and extract(isodow from d) = 3`,
    [tenant, wedUnits[0], start],
  );
  await db.query('analyze');
  return { periscolaire, wednesdays, periodId, parents };
}

interface Parent extends BenchParent {
  email: string;
  children: string[];
}

const dispatcher = new Agent({ connections: CLIENTS * 3 + 10, pipelining: 1, keepAliveTimeout: 120_000 });
const base = `http://127.0.0.1:${PORT}/pages`;

function call(parent: Parent, method: 'GET' | 'POST', path: string, form?: URLSearchParams) {
  return parentRequest(dispatcher, `${base}${path}`, parent, method, form);
}

async function logIn(parent: Parent): Promise<void> {
  await call(parent, 'GET', '/connexion');
  const answer = await call(parent, 'POST', '/connexion', new URLSearchParams({ _csrf: parent.csrf, email: parent.email, password: PASSWORD }));
  if (answer.status !== 302) throw new Error(`login of ${parent.email} answered ${answer.status}`);
}

/** The pages measured, each asked by the parents of households with that many children. */
function scenarios(data: Seeded): { name: string; children: number; path: (parent: Parent) => string }[] {
  const calendar = (activityId: string, extra: string) => (parent: Parent) =>
    `/reservations?${parent.children.map((child) => `enfant=${child}`).join('&')}&activite=${activityId}&${extra}`;
  return [
    { name: 'calendar, month, 1 child', children: 1, path: calendar(data.periscolaire, `mois=${MONTH}`) },
    { name: 'calendar, month, 2 children', children: 2, path: calendar(data.periscolaire, `mois=${MONTH}`) },
    { name: 'calendar, month, 3 children', children: 3, path: calendar(data.periscolaire, `mois=${MONTH}`) },
    { name: 'calendar, period (3 months), 1 child', children: 1, path: calendar(data.wednesdays, `periode=${data.periodId}`) },
    { name: 'calendar, period (3 months), 3 children', children: 3, path: calendar(data.wednesdays, `periode=${data.periodId}`) },
    { name: 'month planning', children: 2, path: (parent) => `/reservations/planning?enfant=${parent.children[0]}&mois=${MONTH}` },
    { name: 'home page', children: 2, path: () => '/accueil' },
  ];
}

async function measure(label: string, data: Seeded): Promise<void> {
  const parents = new Map(
    [...data.parents].map(
      ([count, list]) =>
        [count, list.map((parent, index): Parent => ({ ...parent, address: `198.18.${count}.${index + 1}`, cookies: new Map(), csrf: '' }))] as const,
    ),
  );
  await Promise.all([...parents.values()].flat().map(logIn));
  console.log(
    `\n=== ${label}: ${HOUSEHOLDS} households; one parent alone, ${ALONE_ROUNDS} requests; ${CLIENTS} parents at once per page, ${ROUNDS} requests each; month ${MONTH} ===`,
  );
  console.log('page | alone: p50 ms | p95 ms | 20 at once: p50 ms | p95 ms | requests/s | KB of HTML');
  for (const scenario of scenarios(data).filter((scenario) => !ONLY || scenario.name === ONLY)) {
    const group = parents.get(scenario.children)!;
    // A first request each, not counted: the first page of a process warms its caches.
    await Promise.all(group.map((parent) => call(parent, 'GET', scenario.path(parent))));
    // One parent alone: the page's own cost, without waiting behind the others.
    const alone: number[] = [];
    for (let round = 0; round < ALONE_ROUNDS; round++) {
      const t = performance.now();
      await call(group[0]!, 'GET', scenario.path(group[0]!));
      alone.push(performance.now() - t);
    }
    const times: number[] = [];
    let bytes = 0;
    const started = performance.now();
    await Promise.all(
      group.map(async (parent) => {
        for (let round = 0; round < ROUNDS; round++) {
          const t = performance.now();
          const answer = await call(parent, 'GET', scenario.path(parent));
          times.push(performance.now() - t);
          if (answer.status !== 200) throw new Error(`${scenario.name}: HTTP ${answer.status}`);
          bytes = Buffer.byteLength(answer.body);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);
    console.log(
      `${scenario.name} | ${ms(alone, 50)} | ${ms(alone, 95)} | ${ms(times, 50)} | ${ms(times, 95)} | ${(times.length / seconds).toFixed(0)} | ${(bytes / 1024).toFixed(1)}`,
    );
  }
}

/**
 * The database migrated and seeded, then closed for the portal to open on its own; the portal
 * started on it, its pages measured, and the portal stopped.
 */
async function benchOn(label: string, db: Database, startPortal: () => Promise<ChildProcess>): Promise<void> {
  let data: Seeded;
  try {
    await migrate(db);
    data = await seed(db);
  } finally {
    await db.close();
  }
  const server = await startPortal();
  try {
    await measure(label, data);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

async function onPostgres(): Promise<void> {
  const dbName = `pf_bench_${randomBytes(5).toString('hex')}`;
  await admin((db) => db.query(`create database ${dbName}`));
  try {
    await benchOn('PostgreSQL', await openDatabase({ databaseUrl: databaseUrl(dbName), poolSize: 2 }), () =>
      startServer(dbName, { port: PORT, nodeArgs: PORTAL_NODE_ARGS }),
    );
  } finally {
    await admin((db) => db.query(`drop database if exists ${dbName} with (force)`));
  }
}

async function onPglite(): Promise<void> {
  const dataDir = `/tmp/pf-bench-pages-${randomBytes(5).toString('hex')}`;
  try {
    await benchOn('PGlite (embedded)', await openDatabase({ dataDir: join(dataDir, 'pglite') }), () =>
      startPortalProcess(
        {
          DATA_DIR: dataDir,
          PORT: String(PORT),
          SECRET: randomBytes(32).toString('hex'),
          PUBLIC_URL: `http://127.0.0.1:${PORT}`,
          TRUST_PROXY: 'true',
        },
        PORTAL_NODE_ARGS,
      ),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const database of DATABASES) {
  if (database === 'postgresql') await onPostgres();
  else if (database === 'pglite') await onPglite();
}
await dispatcher.close();
