import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { listInvoices } from '../src/modules/billing/invoices.js';
import { type InScope, startAttempt } from '../src/modules/online-payment/attempts.js';
import { saveChannel } from '../src/modules/online-payment/channels.js';
import { systempayNotification } from '../src/payment-simulators/systempay-simulator.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';
import { postNotification } from './support/provider-notification.js';
import { familyActor } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };
const SHOP = '87654321';
const KEY = 'clé-de-test-du-crash';

/** The portal as its own process on the scenario's database, as production runs it. */
function startPortalOn(databaseUrl: string, secret: string, port: number) {
  return startPortalProcess({ DATABASE_URL: databaseUrl, SECRET: secret, PORT: String(port) });
}

/**
 * Money is never lost nor counted twice across a crash (issue #13): the portal is killed (SIGKILL)
 * while it records a verified payment — after the attempt was marked paid in its transaction,
 * before the commit — then restarted; the provider's retry of the same notification records the
 * payment, once. PostgreSQL only: the embedded database has one process at a time.
 */
describe('an online payment across a crash', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let s: BillingScenario;
  let notification: Record<string, string>;
  let attemptId: string;
  let lockKey: string;
  let channelId: string;
  let portal: ChildProcess | undefined;

  before(async () => {
    s = await startBillingScenario();
    await s.book(s.martin, 0, s.meal, '2026-10-01', 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL));
    const channel = await s.portal.inTenant(s.tenant, (scope) =>
      saveChannel(
        { ...scope, actor: { kind: 'system', label: 'test' } },
        s.regieId,
        { provider: 'systempay', mode: 'test', merchantId: SHOP, endpoint: 'https://paiement.example.test/', keys: { test: KEY } },
        s.portal.config,
      ),
    );
    channelId = channel.kind === 'saved' ? channel.id : '';
    const [invoice] = await s.asManager((scope) => listInvoices(scope, { householdId: s.martin.householdId }));
    const asFamily: InScope = (work) => s.portal.inTenant(s.tenant, (scope) => work({ ...scope, actor: familyActor(s.martin) }));
    const started = await startAttempt(
      asFamily,
      s.martin.householdId,
      { invoiceIds: [invoice!.id], channelId },
      { secret: s.portal.config.secret, publicBase: 'x' },
    );
    assert.ok(started.kind === 'departure' && started.departure.kind === 'form');
    attemptId = started.attemptId;
    notification = systempayNotification(started.departure.fields, 'paid', KEY);
    lockKey = `account:${s.martin.householdId}:${s.regieId}`;
  });
  after(async () => {
    portal?.kill('SIGKILL');
    await s?.portal.close();
  });

  const state = async () =>
    s.portal.inTenant(s.tenant, async ({ tx }) => ({
      attempt: (await tx.selectFrom('payment_attempts').select('state').where('id', '=', attemptId).executeTakeFirstOrThrow()).state,
      payments: (await tx.selectFrom('payments').select('id').where('attempt_id', '=', attemptId).execute()).length,
    }));

  it('records nothing when killed before the commit, and the payment once when the notification comes again', async () => {
    const port = await freePort();
    const notify = () => postNotification(`http://127.0.0.1:${port}`, channelId, notification);

    portal = await startPortalOn(s.portal.databaseUrl!, s.portal.config.secret, port);
    // Another session holds the household's account lock: the portal's transaction marks the
    // attempt paid, then waits for that lock before entering the payment.
    const holder = new pg.Client({ connectionString: s.portal.databaseUrl });
    await holder.connect();
    await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    const inFlight = notify().catch(() => null);
    let waiting = 0;
    for (let tries = 0; tries < 100 && waiting === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await holder.query<{ count: string }>("select count(*) from pg_locks where locktype = 'advisory' and not granted");
      waiting = Number(rows[0]!.count);
    }
    assert.equal(waiting, 1, 'the portal waits inside its transaction');
    portal.kill('SIGKILL');
    await inFlight;
    await holder.query('select pg_advisory_unlock_all()');
    await holder.end();
    // The killed backend's transaction is rolled back by the server.
    for (let tries = 0; tries < 50 && (await state()).attempt !== 'pending'; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await state(), { attempt: 'pending', payments: 0 });

    portal = await startPortalOn(s.portal.databaseUrl!, s.portal.config.secret, port);
    const retried = await notify();
    assert.equal(retried.status, 200);
    assert.equal(retried.verdict, 'paid');
    assert.equal((await notify()).verdict, 'already_paid');
    assert.deepEqual(await state(), { attempt: 'paid', payments: 1 });
  });
});
