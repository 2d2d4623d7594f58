// A month invoiced, measured: an authority with 10,000 households and 15,000 children, a month of
// canteen and before/after-school care attended (about 700,000 units billed), tariffs by brackets
// of quotient familial with a sibling reduction and flat prices. Prints the preview's time, the
// run's time and lines per second, and — measured in the same run on the same database — a plain
// INSERT … SELECT of as many rows as the run billed, with the ratio of the two; then the time to
// make every invoice's PDF as the job after a run makes them (in this process rather than the
// server's), while the family home page is requested by 20 parents at once over HTTP (its p95
// during the PDFs, and before them).
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:invoicing
//
// Options (environment): INVOICING_HOUSEHOLDS (10000), INVOICING_PORT (3910), INVOICING_KEEP_DATABASE=1,
// INVOICING_PDFS=0 (stops after the reference: no PDFs, no home page).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import { Agent, request } from 'undici';
import { openDatabase } from '../src/db/database.js';
import { inTenant } from '../src/db/tenant-scope.js';
import type { Scope } from '../src/modules/scope.js';
import { makeRunPdfs } from '../src/modules/billing/invoice-pdf.js';
import { generateRun, previewRun } from '../src/modules/billing/invoice-runs.js';
import { admin, databaseUrl, percentile, startServer } from './bench-support.js';

const HOUSEHOLDS = Number(process.env.INVOICING_HOUSEHOLDS ?? 10_000);
const PORT = Number(process.env.INVOICING_PORT ?? 3910);
const PASSWORD = 'Facture-Mois-2026';
const MONTH = { from: '2026-11-01', to: '2026-11-30' };

/**
 * The authority in SQL, as fast as a seed can be: households (half with one child, half with two),
 * guardians with accounts for the first 20, QF for nine in ten, the canteen with its three units,
 * the régie, the tariffs, and every school day of November attended (3 % excused, 2 % billed absent).
 */
async function seed(url: string): Promise<{ tenantId: string; regieId: string; emails: string[] }> {
  return admin(async (db) => {
    const tenantId = (await db.query(`insert into tenants (slug, name, settings) values ('facture', 'Ville de la Facture (banc d''essai)', '{}') returning id`))
      .rows[0].id as string;
    await db.query(
      `insert into households (tenant_id, family_number, name, postcode, quotient_familial, quotient_familial_date, quotient_familial_source)
      select $1, lpad(n::text, 6, '0'), 'FAMILLE ' || n, '00000', case when n % 10 = 0 then null else (n * 37) % 2000 end, case when n % 10 = 0 then null else date '2026-09-01' end, case when n % 10 = 0 then null else 'caf' end
      from generate_series(1, $2) n`,
      [tenantId, HOUSEHOLDS],
    );
    await db.query(
      `insert into persons (tenant_id, first_name, last_name, birth_date, email)
      select $1, 'Parent', 'FAMILLE ' || n, null, 'parent' || n || '@example.test' from generate_series(1, $2) n`,
      [tenantId, HOUSEHOLDS],
    );
    await db.query(
      `insert into household_members (tenant_id, household_id, person_id, role)
      select $1, h.id, p.id, 'guardian' from households h join persons p on p.last_name = h.name and p.first_name = 'Parent' where h.tenant_id = $1`,
      [tenantId],
    );
    await db.query(
      `insert into persons (tenant_id, first_name, last_name, birth_date)
      select $1, case when k = 1 then 'Aîné' else 'Cadet' end, 'FAMILLE ' || n, case when k = 1 then date '2016-03-01' + n % 300 else date '2020-06-01' + n % 300 end
      from generate_series(1, $2) n, generate_series(1, 2) k where k = 1 or n % 2 = 0`,
      [tenantId, HOUSEHOLDS],
    );
    await db.query(
      `insert into household_members (tenant_id, household_id, person_id, role)
      select $1, h.id, p.id, 'child' from households h join persons p on p.last_name = h.name and p.first_name <> 'Parent' where h.tenant_id = $1`,
      [tenantId],
    );
    const passwordHash = await hash(PASSWORD);
    const emails: string[] = [];
    for (let n = 1; n <= 20; n += 1) {
      emails.push(`parent${n}@example.test`);
      await db.query(
        `insert into accounts (tenant_id, kind, email, display_name, password_hash, status, household_id, person_id)
        select $1, 'family', p.email, 'Parent ' || $2, $3, 'active', m.household_id, p.id from persons p join household_members m on m.person_id = p.id where p.email = $4`,
        [tenantId, n, passwordHash, `parent${n}@example.test`],
      );
    }
    const activityId = (
      await db.query(
        `insert into activities (tenant_id, name, kind, starts_on, ends_on, weekdays) values ($1, 'Cantine et périscolaire', 'canteen', '2026-09-01', '2027-07-03', '{1,2,4,5}') returning id`,
        [tenantId],
      )
    ).rows[0].id as string;
    const units = (
      await db.query(
        `insert into units (tenant_id, activity_id, name, code, position) values ($1, $2, 'Repas', 'R', 0), ($1, $2, 'Matin', 'M', 1), ($1, $2, 'Soir', 'S', 2) returning id`,
        [tenantId, activityId],
      )
    ).rows.map((row) => row.id as string);
    const regieId = (
      await db.query(`insert into regies (tenant_id, name, invoice_prefix) values ($1, 'Restauration et périscolaire', 'RP') returning id`, [tenantId])
    ).rows[0].id as string;
    await db.query('update activities set regie_id = $1 where id = $2', [regieId, activityId]);
    const meal = (
      await db.query(
        `insert into tariffs (tenant_id, unit_id, effective_from, kind, meal_cents, sibling_percents) values ($1, $2, '2026-09-01', 'qf_brackets', 200, '{0,10,20}') returning id`,
        [tenantId, units[0]],
      )
    ).rows[0].id as string;
    await db.query(`insert into tariff_brackets (tariff_id, tenant_id, qf_min, care_cents) values ($1, $2, 0, 110), ($1, $2, 601, 240), ($1, $2, 1201, 390)`, [
      meal,
      tenantId,
    ]);
    await db.query(
      `insert into tariffs (tenant_id, unit_id, effective_from, kind, flat_cents) values ($1, $2, '2026-09-01', 'flat', 120), ($1, $3, '2026-09-01', 'flat', 180)`,
      [tenantId, units[1], units[2]],
    );
    await db.query(
      `insert into bookings (tenant_id, child_id, unit_id, day, household_id, status, created_at, updated_at)
      select $1, m.person_id, u.id, d::date, m.household_id,
        case when (hashtext(m.person_id::text || d::text || u.id::text) & 1023) < 31 then 'absent_excused' when (hashtext(m.person_id::text || d::text || u.id::text) & 1023) < 51 then 'absent_billed' else 'present' end,
        now(), now()
      from household_members m
      join units u on u.activity_id = $2
      cross join generate_series(date '2026-11-01', date '2026-11-30', interval '1 day') d
      where m.tenant_id = $1 and m.role = 'child' and extract(isodow from d) in (1, 2, 4, 5)
        and (u.position = 0 or (u.position = 1 and (hashtext(m.person_id::text) & 7) <> 0) or (u.position = 2 and (hashtext(m.person_id::text) & 7) > 1))`,
      [tenantId, activityId],
    );
    // A database in use has its statistics; a freshly seeded one gets them now.
    await db.query('analyze');
    return { tenantId, regieId, emails };
  }, url);
}

/** Logs a parent in over HTTP; answers its cookie header. */
async function logIn(agent: Agent, email: string, index: number): Promise<string> {
  // Each parent from its own address (the RFC 2544 benchmark range), as the rate limit counts per address.
  const address = `198.18.0.${index + 1}`;
  const base = `http://127.0.0.1:${PORT}/facture`;
  const page = await request(`${base}/connexion`, { dispatcher: agent, headers: { 'x-forwarded-for': address } });
  const cookies = new Map<string, string>();
  const keep = (headers: Record<string, string | string[] | undefined>) => {
    for (const cookie of [headers['set-cookie'] ?? []].flat()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      cookies.set(name!, value!);
    }
  };
  keep(page.headers);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.body.text())![1]!;
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const answer = await request(`${base}/connexion`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(), 'x-forwarded-for': address },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
  });
  await answer.body.dump();
  keep(answer.headers);
  return header();
}

/**
 * 20 parents ask their home page again and again until told to stop; answers each request's time
 * in ms. Each request comes from an address of its own in the benchmark range (198.18.0.0/15): the
 * portal answers one address 600 pages a minute, which 20 parents asking without pause pass when
 * the machine is quiet.
 */
function homePageLoad(agent: Agent, cookies: string[], stop: { done: boolean }): Promise<number[]> {
  const times: number[] = [];
  let sent = 0;
  const nextAddress = () => {
    const n = sent++ % 131_072;
    return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
  };
  const load = Promise.all(
    cookies.map(async (cookie) => {
      while (!stop.done) {
        const start = performance.now();
        const answer = await request(`http://127.0.0.1:${PORT}/facture/accueil`, { dispatcher: agent, headers: { cookie, 'x-forwarded-for': nextAddress() } });
        await answer.body.dump();
        if (answer.statusCode !== 200) throw new Error(`home page answered ${answer.statusCode}`);
        times.push(performance.now() - start);
      }
    }),
  ).then(() => times);
  // A request that fails ends the bench where the load is awaited (the server stopped, the database dropped), not at once.
  load.catch(() => undefined);
  return load;
}

async function main(): Promise<void> {
  const dbName = `pf_bench_${randomBytes(5).toString('hex')}`;
  await admin((db) => db.query(`create database ${dbName}`));
  let server: ChildProcess | undefined;
  try {
    server = await startServer(dbName, { port: PORT });
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    let t = performance.now();
    const data = await seed(databaseUrl(dbName));
    const units = await admin(async (db) => Number((await db.query('select count(*) from bookings')).rows[0].count), databaseUrl(dbName));
    console.log(`seeded ${HOUSEHOLDS} households, ${units} units attended in November in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const db = await openDatabase({ databaseUrl: databaseUrl(dbName), poolSize: 4 });
    const asManager = <T>(work: (scope: Scope) => Promise<T>) =>
      inTenant(db, data.tenantId, (tx) =>
        work({
          tx,
          tenantId: data.tenantId,
          actor: { kind: 'staff', accountId: '00000000-0000-0000-0000-000000000000', role: 'admin', label: 'banc' },
          now: new Date('2026-12-03T08:00:00Z'),
        }),
      );
    const sender = { tenantName: 'Ville de la Facture', baseUrl: `http://127.0.0.1:${PORT}/facture` };

    t = performance.now();
    const preview = await asManager((scope) => previewRun(scope, { regieId: data.regieId, ...MONTH }));
    const previewSeconds = (performance.now() - t) / 1000;
    if (preview.kind !== 'plan') throw new Error(`preview: ${JSON.stringify(preview)}`);
    console.log(
      `preview: ${preview.plan.invoices.length} invoices, ${preview.plan.invoices.reduce((sum, invoice) => sum + invoice.lines.length, 0)} lines, ${(preview.plan.totalCents / 100).toFixed(2)} € in ${previewSeconds.toFixed(1)} s`,
    );

    t = performance.now();
    const run = await asManager((scope) => generateRun(scope, { regieId: data.regieId, ...MONTH }, sender));
    const runSeconds = (performance.now() - t) / 1000;
    if (run.kind !== 'generated') throw new Error(`run: ${JSON.stringify(run)}`);
    const billed = await admin(async (client) => Number((await client.query('select count(*) from billed_units')).rows[0].count), databaseUrl(dbName));
    const lines = await admin(async (client) => Number((await client.query('select count(*) from invoice_lines')).rows[0].count), databaseUrl(dbName));
    console.log(
      `run: ${run.invoices} invoices (${run.firstNumber} … ${run.lastNumber}), ${lines} lines, ${billed} units billed in ${runSeconds.toFixed(1)} s — ${Math.round(lines / runSeconds)} lines/s, ${Math.round(billed / runSeconds)} units/s`,
    );

    // The physical reference: as many rows written by one INSERT … SELECT, in one transaction.
    const reference = await admin(async (client) => {
      await client.query(
        'create table bench_reference (id uuid primary key default gen_random_uuid(), booking_id uuid not null, day date not null, kind text not null, care_cents int, meal_cents int, penalty_cents int)',
      );
      const start = performance.now();
      await client.query('begin');
      await client.query(
        `insert into bench_reference (booking_id, day, kind, care_cents, meal_cents, penalty_cents) select id, day, 'attended', 110, 200, 0 from bookings where status in ('present', 'absent_billed') limit $1`,
        [billed],
      );
      await client.query('commit');
      return (performance.now() - start) / 1000;
    }, databaseUrl(dbName));
    console.log(`reference: INSERT … SELECT of ${billed} rows in ${reference.toFixed(1)} s; the run took ${(runSeconds / reference).toFixed(1)}× that`);
    if (process.env.INVOICING_PDFS === '0') {
      await db.close();
      return;
    }

    server = await startServer(dbName, { port: PORT });
    const agent = new Agent({ connections: 40 });
    const cookies = await Promise.all(data.emails.map((email, index) => logIn(agent, email, index)));
    const quiet = { done: false };
    const before = homePageLoad(agent, cookies, quiet);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    quiet.done = true;
    const beforeTimes = await before;
    const busy = { done: false };
    const during = homePageLoad(agent, cookies, busy);
    t = performance.now();
    const pdfs = await makeRunPdfs({ db, clock: { now: () => new Date('2026-12-03T08:05:00Z') } }, data.tenantId, run.runId);
    const pdfSeconds = (performance.now() - t) / 1000;
    busy.done = true;
    const duringTimes = await during;
    console.log(`PDFs: ${pdfs} made and kept in ${pdfSeconds.toFixed(1)} s (${(pdfs / pdfSeconds).toFixed(0)} a second)`);
    console.log(
      `home page, 20 parents at once: p50 ${percentile(beforeTimes, 50).toFixed(0)} ms, p95 ${percentile(beforeTimes, 95).toFixed(0)} ms before; p50 ${percentile(duringTimes, 50).toFixed(0)} ms, p95 ${percentile(duringTimes, 95).toFixed(0)} ms while the PDFs were made (${duringTimes.length} requests)`,
    );
    await agent.close();
    await db.close();
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    if (!process.env.INVOICING_KEEP_DATABASE) await admin((client) => client.query(`drop database if exists ${dbName} with (force)`));
  }
}

await main();
