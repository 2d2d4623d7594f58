// Online payment notifications, measured (issue #13): 1,000 payment attempts settled by Systempay
// notifications (IPN) sent concurrently over HTTP, as a month's end brings them — a third of them
// sent a second time later (the provider's retry), 100 of them sent twice at the same instant, some
// refused or abandoned, some never notified (a closed tab and a lost notification), plus 100 forged
// ones (a bad signature, another key, a wrong amount, an unknown reference, another household's
// reference with a wrong amount, no vads_hash, TEST sent to a PRODUCTION shop). Prints notifications
// per second, the p50/p99 of the notification's answer, payments recorded against paid attempts,
// duplicate payments, answers 5xx and 429, forged notifications accepted, the ledger's consistency,
// and — measured in the same run on the same database — as many plain one-row INSERT transactions,
// over one pool with as many in flight, with the ratio of the two. Timings are printed, never
// asserted; the counts are: a payment missing or twice, a forged notification believed, or a
// broken ledger makes it exit with 1.
//
// How it is built: the authority, its households, accounts, one invoice each (with its line and
// its ledger entry) are seeded in SQL; the two channels (Systempay in TEST, PayZen in PRODUCTION)
// are saved through the module (saveChannel), and the 1,000 attempts are started in-process through
// the module (startAttempt, as each family, against the same database, before the portal starts),
// which gives the signed form each family would take to the provider. The IPN of each is then built
// as the provider would (systempayNotification of the simulator, signed with the shop's key), and
// posted to the portal — started as its own process — with 50 requests in flight.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:payments
//
// Options (environment): PAYMENTS_ATTEMPTS (1000), PAYMENTS_FORGED (100), PAYMENTS_CONCURRENCY (50),
// PAYMENTS_PORT (3920), PAYMENTS_KEEP_DATABASE=1, PAYMENTS_WAITS=1 (samples what the database's
// connections wait on during the notifications, and prints it), PAYMENTS_ONE_ADDRESS=1 (every notification from
// one address, as from the provider's one server, instead of one address each: the portal's global
// rate limit, 600 requests a minute per address, then answers 429 to what exceeds it).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Agent, request } from 'undici';
import { openDatabase } from '../src/db/database.js';
import { inTenant } from '../src/db/tenant-scope.js';
import { consistencyProblems } from '../src/modules/ledger/consistency.js';
import { type AttemptContext, startAttempt } from '../src/modules/online-payment/attempts.js';
import { saveChannel } from '../src/modules/online-payment/channels.js';
import { systempaySignature } from '../src/modules/online-payment/systempay.js';
import type { Scope } from '../src/modules/scope.js';
import { DEMO_SYSTEMPAY_SHOP } from '../src/payment-simulators/demo-shops.js';
import { systempayNotification } from '../src/payment-simulators/systempay-simulator.js';
import { admin, type CpuSeconds, cpuSeconds, databaseUrl, percentile, startServer } from './bench-support.js';

const ATTEMPTS = Number(process.env.PAYMENTS_ATTEMPTS ?? 1000);
const FORGED = Number(process.env.PAYMENTS_FORGED ?? 100);
const CONCURRENCY = Number(process.env.PAYMENTS_CONCURRENCY ?? 50);
const PORT = Number(process.env.PAYMENTS_PORT ?? 3920);
const ONE_ADDRESS = process.env.PAYMENTS_ONE_ADDRESS === '1';
/** The portal's server secret: the channels' keys are sealed with it in-process and opened with it by the portal. */
const SECRET = randomBytes(32).toString('hex');
const SLUG = 'paiement';
const PUBLIC_BASE = `http://127.0.0.1:${PORT}/${SLUG}`;
/** The PRODUCTION shop (PayZen): its own site id and keys, protecting nothing real. */
const PRODUCTION_SHOP = { siteId: '87654321', keys: { test: 'bench-payzen-test-key', production: 'bench-payzen-production-key' } };
/** The server's connection pool (src/db/database.ts), which the reference uses too. */
const SERVER_POOL = 10;

interface Household {
  householdId: string;
  accountId: string;
  invoiceId: string;
  totalCents: number;
}

/**
 * The authority in SQL: a régie, ATTEMPTS households with a guardian and a family account each, and
 * one invoice each (issued ten days ago, amounts from 10 € to 99 €), with its line and its ledger
 * entry, as a run would leave them.
 */
async function seed(url: string): Promise<{ tenantId: string; regieId: string; households: Household[] }> {
  return admin(async (db) => {
    const tenantId = (await db.query(`insert into tenants (slug, name, settings) values ($1, 'Ville du Paiement (banc d''essai)', '{}') returning id`, [SLUG]))
      .rows[0].id as string;
    const regieId = (
      await db.query(`insert into regies (tenant_id, name, invoice_prefix) values ($1, 'Restauration et périscolaire', 'PAY') returning id`, [tenantId])
    ).rows[0].id as string;
    await db.query(
      `insert into households (tenant_id, family_number, name, postcode) select $1, lpad(n::text, 6, '0'), 'FAMILLE ' || n, '00000' from generate_series(1, $2) n`,
      [tenantId, ATTEMPTS],
    );
    await db.query(
      `insert into persons (tenant_id, first_name, last_name, email) select $1, 'Parent', 'FAMILLE ' || n, 'parent' || n || '@paiement.example' from generate_series(1, $2) n`,
      [tenantId, ATTEMPTS],
    );
    await db.query(
      `insert into household_members (tenant_id, household_id, person_id, role)
      select $1, h.id, p.id, 'guardian' from households h join persons p on p.last_name = h.name where h.tenant_id = $1`,
      [tenantId],
    );
    await db.query(
      `insert into accounts (tenant_id, kind, email, display_name, status, household_id, person_id)
      select $1, 'family', p.email, 'Parent ' || p.last_name, 'active', m.household_id, p.id from persons p join household_members m on m.person_id = p.id where p.tenant_id = $1`,
      [tenantId],
    );
    await db.query(
      `insert into invoices (tenant_id, regie_id, kind, number, year, seq, household_id, payer_name, payer_address, issued_on, due_on, total_cents)
      select $1, $2, 'invoice', 'PAY-2026-' || lpad(h.family_number::int::text, 5, '0'), 2026, h.family_number::int, h.id, 'Parent ' || h.name,
        '1 rue du Banc 00000 Ville', current_date - 10, current_date + 20, 1000 + (h.family_number::int * 137) % 8900
      from households h where h.tenant_id = $1`,
      [tenantId, regieId],
    );
    await db.query(
      `insert into invoice_lines (tenant_id, invoice_id, position, child_name, label, kind, quantity, unit_price_cents, amount_cents, care_cents, meal_cents, penalty_cents)
      select $1, i.id, 1, 'Enfant', 'Repas de novembre', 'attended', 1, i.total_cents, i.total_cents, 0, i.total_cents, 0 from invoices i where i.tenant_id = $1`,
      [tenantId],
    );
    await db.query(
      `insert into ledger_entries (tenant_id, household_id, regie_id, entry_on, kind, amount_cents, invoice_id)
      select $1, i.household_id, i.regie_id, i.issued_on, 'invoice', i.total_cents, i.id from invoices i where i.tenant_id = $1`,
      [tenantId],
    );
    await db.query(`insert into document_numbers (tenant_id, regie_id, series, year, last) values ($1, $2, 'invoice', 2026, $3)`, [
      tenantId,
      regieId,
      ATTEMPTS,
    ]);
    await db.query('analyze');
    const rows = await db.query(
      `select h.id as household_id, a.id as account_id, i.id as invoice_id, i.total_cents from households h
      join accounts a on a.household_id = h.id join invoices i on i.household_id = h.id where h.tenant_id = $1 order by h.family_number`,
      [tenantId],
    );
    const households = rows.rows.map((row) => ({
      householdId: row.household_id as string,
      accountId: row.account_id as string,
      invoiceId: row.invoice_id as string,
      totalCents: row.total_cents as number,
    }));
    return { tenantId, regieId, households };
  }, url);
}

/** Runs `work` on each item with at most `limit` at once. */
async function bounded<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

type Outcome = 'paid' | 'refused' | 'abandoned' | 'silent';

interface Attempt {
  id: string;
  reference: string;
  amountCents: number;
  channelId: string;
  production: boolean;
  outcome: Outcome;
  /** The form the family's browser takes to the provider, signed. */
  form: Record<string, string>;
  /** The provider's notification, signed with the shop's key (none for a silent attempt). */
  ipn?: Record<string, string>;
}

type JobKind = 'first' | 'twin' | 'later' | 'forged';

interface Job {
  kind: JobKind;
  what: string;
  attempt: Attempt | null;
  channelId: string;
  fields: Record<string, string>;
  /** Where it goes in the stream: 0–1 for the first notifications, later for the retries. */
  order: number;
}

interface Answer {
  job: Job;
  status: number;
  verdict: string;
  ms: number;
}

/** Builds the notifications of the run: genuine ones (once, twice at once, again later) and forged ones. */
function notificationsOf(attempts: Attempt[], keys: { test: string; production: string }): Job[] {
  const jobs: Job[] = [];
  const notified = attempts.filter((attempt) => attempt.ipn);
  const twins = new Set(shuffle(notified.filter((attempt) => attempt.outcome === 'paid')).slice(0, Math.round(ATTEMPTS / 10)));
  for (const attempt of notified) {
    const order = Math.random();
    jobs.push({ kind: twins.has(attempt) ? 'twin' : 'first', what: attempt.outcome, attempt, channelId: attempt.channelId, fields: attempt.ipn!, order });
  }
  // A third of them again, later: after at least twice as many notifications as are in flight.
  const gap = (2 * CONCURRENCY) / Math.max(1, notified.length);
  for (const attempt of shuffle([...notified]).slice(0, Math.round(notified.length / 3))) {
    const first = jobs.find((job) => job.attempt === attempt)!;
    jobs.push({
      kind: 'later',
      what: attempt.outcome,
      attempt,
      channelId: attempt.channelId,
      fields: attempt.ipn!,
      order: first.order + gap + Math.random() * 0.5,
    });
  }
  // Forged: aimed at the attempts never notified (still pending, the easiest to steal), and at others.
  const silent = attempts.filter((attempt) => attempt.outcome === 'silent' && !attempt.production);
  const silentProduction = attempts.filter((attempt) => attempt.outcome === 'silent' && attempt.production);
  const testAttempts = attempts.filter((attempt) => !attempt.production);
  const productionAttempts = attempts.filter((attempt) => attempt.production);
  const pick = <T>(list: T[], n: number) => list[n % list.length]!;
  const signed = (fields: Record<string, string>, key: string) => ({ ...fields, signature: systempaySignature(fields, key) });
  const paidIpn = (attempt: Attempt, key = keys.test) => systempayNotification(attempt.form, 'paid', key);
  const withoutSignature = (fields: Record<string, string>) => {
    const { signature: _, ...rest } = fields;
    return rest;
  };
  const kinds: ((n: number) => { what: string; attempt: Attempt | null; channelId: string; fields: Record<string, string> })[] = [
    (n) => {
      const attempt = n % 2 === 0 ? pick(silent, n) : pick(testAttempts, n * 7);
      return { what: 'bad signature', attempt, channelId: attempt.channelId, fields: { ...paidIpn(attempt), signature: randomBytes(32).toString('base64') } };
    },
    (n) => {
      const attempt = n % 2 === 0 ? pick(silent, n) : pick(testAttempts, n * 11);
      return { what: 'another key', attempt, channelId: attempt.channelId, fields: paidIpn(attempt, randomBytes(16).toString('hex')) };
    },
    (n) => {
      const attempt = n % 2 === 0 ? pick(silent, n) : pick(testAttempts, n * 13);
      const fields = withoutSignature(paidIpn(attempt));
      return { what: 'wrong amount', attempt, channelId: attempt.channelId, fields: signed({ ...fields, vads_amount: '100' }, keys.test) };
    },
    (n) => {
      const attempt = pick(testAttempts, n * 17);
      const fields = withoutSignature(paidIpn(attempt));
      return {
        what: 'unknown reference',
        attempt: null,
        channelId: attempt.channelId,
        fields: signed({ ...fields, vads_order_id: `20261206${randomBytes(5).toString('hex').toUpperCase()}` }, keys.test),
      };
    },
    (n) => {
      // A family posts its own paid notification with another household's reference, to pay the other's bigger invoice with its smaller amount.
      const victim = pick(silent, n);
      let k = n * 29;
      while (pick(testAttempts, k).amountCents === victim.amountCents) k += 1;
      const mine = pick(testAttempts, k);
      const fields = withoutSignature(paidIpn(mine));
      return {
        what: "another household's reference, wrong amount",
        attempt: victim,
        channelId: victim.channelId,
        fields: signed({ ...fields, vads_order_id: victim.reference }, keys.test),
      };
    },
    (n) => {
      const attempt = n % 2 === 0 ? pick(silent, n) : pick(testAttempts, n * 19);
      const { vads_hash: _, ...fields } = withoutSignature(paidIpn(attempt));
      return { what: 'no vads_hash', attempt, channelId: attempt.channelId, fields: signed(fields, keys.test) };
    },
    (n) => {
      // A TEST payment (the shop's test key, a test card) sent to the PRODUCTION shop, to be taken for real money.
      const attempt = n % 2 === 0 ? pick(silentProduction, n) : pick(productionAttempts, n * 23);
      const fields = withoutSignature(systempayNotification(attempt.form, 'paid', PRODUCTION_SHOP.keys.test));
      return {
        what: 'TEST to a PRODUCTION shop',
        attempt,
        channelId: attempt.channelId,
        fields: signed({ ...fields, vads_ctx_mode: 'TEST' }, PRODUCTION_SHOP.keys.test),
      };
    },
  ];
  for (let n = 0; n < FORGED; n += 1) jobs.push({ kind: 'forged', ...kinds[n % kinds.length]!(Math.floor(n / kinds.length)), order: Math.random() * 1.2 });
  return jobs.sort((a, b) => a.order - b.order);
}

/** Whether an answer is the one expected of the job (an attempt's first 'paid' is counted apart). */
function expected(answer: Answer): boolean {
  const { job, status, verdict } = answer;
  if (job.kind === 'forged') return status === 400;
  if (status !== 200) return false;
  if (job.what === 'paid') return verdict === 'paid' || verdict === 'already_paid';
  return verdict === job.what || verdict === 'not_pending';
}

/**
 * Samples what the database's connections are doing every 50 ms (state, wait, statement), until
 * stopped: where a notification's time goes when it is not CPU.
 */
function sampleWaits(url: string): { stop: () => Promise<Map<string, number>> } {
  const samples = new Map<string, number>();
  let sampling = true;
  const client = new pg.Client({ connectionString: url });
  const done = (async () => {
    await client.connect();
    while (sampling) {
      const rows = await client.query<{ what: string }>(
        `select state || ' ' || coalesce(wait_event_type || '/' || wait_event, '-') || case when state = 'active' then ': ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) else '' end as what
        from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      for (const { what } of rows.rows) samples.set(what, (samples.get(what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      sampling = false;
      await done;
      return samples;
    },
  };
}

/** A pgbench-like reference: `count` one-row INSERT transactions through one pool, `inFlight` at once. */
async function referenceInserts(url: string, count: number, inFlight: number): Promise<number> {
  await admin(
    (client) =>
      client.query(
        'create table bench_reference (id uuid primary key default gen_random_uuid(), reference text not null, raw jsonb not null, created_at timestamptz not null default now())',
      ),
    url,
  );
  const pool = new pg.Pool({ connectionString: url, max: SERVER_POOL });
  await Promise.all(Array.from({ length: SERVER_POOL }, () => pool.query('select 1')));
  const start = performance.now();
  await bounded(
    Array.from({ length: count }, (_, n) => n),
    inFlight,
    async (n) => {
      await pool.query('insert into bench_reference (reference, raw) values ($1, $2)', [`REF${n}`, JSON.stringify({ n })]);
    },
  );
  const seconds = (performance.now() - start) / 1000;
  await pool.end();
  return count / seconds;
}

async function main(): Promise<number> {
  const dbName = `pf_bench_${randomBytes(5).toString('hex')}`;
  await admin((db) => db.query(`create database ${dbName}`));
  let server: ChildProcess | undefined;
  let failures = 0;
  try {
    // Started once to apply the migrations, then stopped while the data is made.
    server = await startServer(dbName, { port: PORT, secret: SECRET });
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    let t = performance.now();
    const data = await seed(databaseUrl(dbName));
    console.log(`seeded ${data.households.length} households, each with an open invoice, in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const db = await openDatabase({ databaseUrl: databaseUrl(dbName), poolSize: 8 });
    const asActor = <T>(actor: Scope['actor'], work: (scope: Scope) => Promise<T>) =>
      inTenant(db, data.tenantId, (tx) => work({ tx, tenantId: data.tenantId, actor, now: new Date() }));
    const saved = async (settings: Parameters<typeof saveChannel>[2]) => {
      const result = await asActor({ kind: 'system', label: 'banc' }, (scope) => saveChannel(scope, data.regieId, settings, { secret: SECRET }));
      if (result.kind !== 'saved') throw new Error(`channel: ${result.kind}`);
      return result.id;
    };
    const testChannel = await saved({
      provider: 'systempay',
      mode: 'test',
      merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
      endpoint: 'https://paiement.systempay.fr/vads-payment/',
      keys: DEMO_SYSTEMPAY_SHOP.keys,
    });
    const productionChannel = await saved({
      provider: 'payzen',
      mode: 'production',
      merchantId: PRODUCTION_SHOP.siteId,
      endpoint: 'https://secure.payzen.eu/vads-payment/',
      keys: PRODUCTION_SHOP.keys,
    });

    // The attempts, each started by its family as the pay page does: one in ten through the
    // PRODUCTION shop; one in ten refused, one in ten abandoned, one in twenty-five never notified.
    const context: AttemptContext = { secret: SECRET, publicBase: PUBLIC_BASE };
    t = performance.now();
    const attempts: Attempt[] = new Array(data.households.length);
    await bounded(data.households, 8, async (household, i) => {
      const production = i % 10 === 0;
      const outcome: Outcome = i % 50 === 49 || i % 50 === 20 ? 'silent' : i % 10 === 7 ? 'refused' : i % 10 === 8 ? 'abandoned' : 'paid';
      const actor = { kind: 'family' as const, accountId: household.accountId, householdId: household.householdId, label: 'banc' };
      const started = await startAttempt(
        (work) => asActor(actor, work),
        household.householdId,
        { invoiceIds: [household.invoiceId], channelId: production ? productionChannel : testChannel },
        context,
      );
      if (started.kind !== 'departure' || started.departure.kind !== 'form') throw new Error(`attempt ${i}: ${JSON.stringify(started)}`);
      const form = started.departure.fields;
      const key = production ? PRODUCTION_SHOP.keys.production : DEMO_SYSTEMPAY_SHOP.keys.test;
      attempts[i] = {
        id: started.attemptId,
        reference: form.vads_order_id!,
        amountCents: Number(form.vads_amount),
        channelId: production ? productionChannel : testChannel,
        production,
        outcome,
        form,
        ipn: outcome === 'silent' ? undefined : systempayNotification(form, outcome, key),
      };
    });
    console.log(`started ${attempts.length} attempts in-process (startAttempt, 8 at once) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await db.close();

    const jobs = notificationsOf(attempts, DEMO_SYSTEMPAY_SHOP.keys);
    const requests = jobs.reduce((sum, job) => sum + (job.kind === 'twin' ? 2 : 1), 0);
    const count = (kind: JobKind) => jobs.filter((job) => job.kind === kind).length;
    const paidAttempts = attempts.filter((attempt) => attempt.outcome === 'paid');
    console.log(
      `notifications: ${requests} requests — ${count('first')} once, ${count('twin')} twice at the same instant, ${count('later')} again later, ${count('forged')} forged; ` +
        `${paidAttempts.length} attempts paid, ${attempts.filter((a) => a.outcome === 'refused').length} refused, ${attempts.filter((a) => a.outcome === 'abandoned').length} abandoned, ${attempts.filter((a) => a.outcome === 'silent').length} never notified`,
    );

    server = await startServer(dbName, { port: PORT, secret: SECRET });
    const agent = new Agent({ connections: CONCURRENCY * 2 + 10, pipelining: 1, keepAliveTimeout: 60_000 });
    const post = async (job: Job, address: string): Promise<Answer> => {
      const start = performance.now();
      const answer = await request(`${PUBLIC_BASE}/paiement/notification/${job.channelId}`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
        body: new URLSearchParams(job.fields).toString(),
      });
      const verdict = await answer.body.text();
      return { job, status: answer.statusCode, verdict, ms: performance.now() - start };
    };
    // A warm-up (the first request of a process compiles its routes): a notification for no attempt.
    await post({ kind: 'forged', what: 'warm-up', attempt: null, channelId: testChannel, fields: { vads_order_id: 'WARMUP' }, order: 0 }, '198.19.255.1');
    const answers: Answer[] = [];
    const cpuBefore = cpuSeconds(server.pid!);
    const waits = process.env.PAYMENTS_WAITS ? sampleWaits(databaseUrl(dbName)) : null;
    t = performance.now();
    await bounded(jobs, CONCURRENCY, async (job, index) => {
      // Each notification from its own address (the RFC 2544 benchmark range), unless told otherwise.
      const address = ONE_ADDRESS ? '198.19.0.1' : `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
      if (job.kind === 'twin') answers.push(...(await Promise.all([post(job, address), post(job, address)])));
      else answers.push(await post(job, address));
    });
    const seconds = (performance.now() - t) / 1000;
    const cpuAfter = cpuSeconds(server.pid!);
    const samples = await waits?.stop();
    await agent.close();

    const times = answers.map((answer) => answer.ms);
    const genuine = answers.filter((answer) => answer.job.kind !== 'forged').map((answer) => answer.ms);
    const forged = answers.filter((answer) => answer.job.kind === 'forged');
    const byStatus = new Map<number, number>();
    for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    const fivexx = answers.filter((answer) => answer.status >= 500);
    const limited = answers.filter((answer) => answer.status === 429);
    const forgedAccepted = forged.filter((answer) => answer.status < 300);
    const unexpected = answers.filter((answer) => !expected(answer));
    const paidAnswers = new Map<string, number>();
    for (const answer of answers)
      if (answer.job.kind !== 'forged' && answer.verdict === 'paid')
        paidAnswers.set(answer.job.attempt!.id, (paidAnswers.get(answer.job.attempt!.id) ?? 0) + 1);
    const paidNotOnce = paidAttempts.filter((attempt) => paidAnswers.get(attempt.id) !== 1).length;
    const twinVerdicts = new Map<string, string[]>();
    for (const answer of answers)
      if (answer.job.kind === 'twin') twinVerdicts.set(answer.job.attempt!.id, [...(twinVerdicts.get(answer.job.attempt!.id) ?? []), answer.verdict]);
    const twinsRight = [...twinVerdicts.values()].filter((verdicts) => verdicts.sort().join(',') === 'already_paid,paid').length;

    // The ledger, read back: what was recorded, for which attempts, and whether the books add up.
    const ledger = await admin(async (client) => {
      const payments = await client.query<{ attempt_id: string; count: string; amount: string }>(
        'select attempt_id, count(*) as count, sum(amount_cents) as amount from payments where attempt_id is not null group by attempt_id',
      );
      const states = await client.query<{ id: string; state: string }>('select id, state from payment_attempts');
      const events = await client.query<{ count: string }>("select count(*) from payment_events where kind = 'notification'");
      return {
        payments: new Map(payments.rows.map((row) => [row.attempt_id, { count: Number(row.count), amount: Number(row.amount) }])),
        states: new Map(states.rows.map((row) => [row.id, row.state])),
        events: Number(events.rows[0]!.count),
      };
    }, databaseUrl(dbName));
    const recorded = [...ledger.payments.values()].reduce((sum, payment) => sum + payment.count, 0);
    const duplicates = [...ledger.payments.values()].filter((payment) => payment.count > 1).length;
    const paidWithoutPayment = paidAttempts.filter((attempt) => !ledger.payments.has(attempt.id)).length;
    const wrongAmounts = paidAttempts.filter(
      (attempt) => ledger.payments.has(attempt.id) && ledger.payments.get(attempt.id)!.amount !== attempt.amountCents,
    ).length;
    const paidUnpaid = attempts.filter((attempt) => attempt.outcome !== 'paid' && ledger.payments.has(attempt.id)).length;
    const wrongStates = attempts.filter((attempt) => ledger.states.get(attempt.id) !== (attempt.outcome === 'silent' ? 'pending' : attempt.outcome)).length;
    const db2 = await openDatabase({ databaseUrl: databaseUrl(dbName), poolSize: 1 });
    const problems = await inTenant(db2, data.tenantId, (tx) => consistencyProblems(tx));
    await db2.close();

    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
    server = undefined;
    const referenceTps = await referenceInserts(databaseUrl(dbName), requests, CONCURRENCY);

    const perSecond = requests / seconds;
    console.log(
      `answered ${answers.length} notifications in ${seconds.toFixed(2)} s, ${CONCURRENCY} in flight${ONE_ADDRESS ? ', all from one address' : ''}: ${perSecond.toFixed(0)} notifications/s`,
    );
    console.log(
      `answer time: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms, max ${percentile(times, 100).toFixed(0)} ms` +
        ` (genuine p50 ${percentile(genuine, 50).toFixed(0)} / p99 ${percentile(genuine, 99).toFixed(0)} ms; forged p50 ${percentile(
          forged.map((a) => a.ms),
          50,
        ).toFixed(0)} / p99 ${percentile(
          forged.map((a) => a.ms),
          99,
        ).toFixed(0)} ms)`,
    );
    if (samples) {
      const total = [...samples.values()].reduce((sum, n) => sum + n, 0);
      console.log(`what the database's connections were doing (${total} samples, every 50 ms):`);
      for (const [what, n] of [...samples].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)} % ${what}`);
    }
    if (cpuBefore && cpuAfter) {
      const used = (key: keyof CpuSeconds) => (cpuAfter[key] - cpuBefore[key]).toFixed(1);
      console.log(
        `CPU seconds meanwhile (2 cores give ${(2 * seconds).toFixed(1)}): server ${used('server')}, database ${used('database')}, load generator ${used('generator')}; the machine's load average ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    console.log(
      `answers by status: ${[...byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')}; 5xx: ${fivexx.length}; 429: ${limited.length}`,
    );
    console.log(
      `payments recorded: ${recorded} for ${paidAttempts.length} paid attempts (paid attempts without a payment: ${paidWithoutPayment}, with a wrong amount: ${wrongAmounts})`,
    );
    console.log(`duplicate payments (attempts with more than one): ${duplicates}; payments of attempts not paid: ${paidUnpaid}`);
    console.log(
      `twin notifications answered 'paid' once and 'already_paid' once: ${twinsRight} of ${twinVerdicts.size}; paid attempts not answered 'paid' exactly once: ${paidNotOnce}`,
    );
    console.log(
      `forged accepted: ${forgedAccepted.length} of ${forged.length}; attempts in a wrong state: ${wrongStates}; unexpected answers: ${unexpected.length}`,
    );
    console.log(`notifications logged: ${ledger.events} (of ${answers.length + 1} sent, with the warm-up); ledger consistency problems: ${problems.length}`);
    console.log(
      `reference: ${requests} one-row INSERT transactions, ${CONCURRENCY} in flight over ${SERVER_POOL} connections: ${referenceTps.toFixed(0)} a second`,
    );
    console.log(`ratio notifications per second / reference: ${(perSecond / referenceTps).toFixed(3)}`);
    for (const answer of [...fivexx, ...unexpected.filter((a) => a.status < 500)].slice(0, 10))
      console.log(`  ${answer.job.kind} ${answer.job.what}: ${answer.status} ${answer.verdict.slice(0, 80)}`);
    for (const problem of problems.slice(0, 5)) console.log(`  ledger: ${JSON.stringify(problem).slice(0, 300)}`);

    if (recorded !== paidAttempts.length || paidWithoutPayment > 0 || wrongAmounts > 0) failures += 1;
    if (duplicates > 0 || paidUnpaid > 0) failures += 1;
    if (forgedAccepted.length > 0 || wrongStates > 0) failures += 1;
    if (problems.length > 0) failures += 1;
    console.log(failures === 0 ? 'correct: every paid attempt recorded once, nothing else, nothing forged believed' : 'WRONG: see the counts above');
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    if (!process.env.PAYMENTS_KEEP_DATABASE) await admin((client) => client.query(`drop database if exists ${dbName} with (force)`));
  }
  return failures;
}

process.exitCode = (await main()) > 0 ? 1 : 0;
