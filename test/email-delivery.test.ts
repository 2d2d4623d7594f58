import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { asSystem } from '../src/db/tenant-scope.js';
import { startJobQueue, stopJobQueue } from '../src/jobs/job-queue.js';
import { updateTenantSettings } from '../src/modules/tenancy/tenant-settings.js';
import { EmailSender, mailerFromConfig, type Mailer } from '../src/modules/notifications/email-sender.js';
import { outboxSecretsBox, queueEmail, type OutgoingEmail } from '../src/modules/notifications/outbox.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { startTestSmtpServer, type TestSmtpServer } from './support/smtp-server.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const MAIL_FROM = 'Mairie de Test <portail@mairie.test>';
const silent = { error: () => undefined };

function email(subject: string): OutgoingEmail {
  return { to: 'parent@example.test', subject, text: `Bonjour,\n\nSubject was ${subject}.\nLink: https://portail.test/r/abc\n` };
}

async function queue(portal: TestPortal, tenant: Tenant, subject: string): Promise<string> {
  return portal.inTenant(tenant, (scope) => queueEmail(scope, email(subject)));
}

async function row(portal: TestPortal, id: string) {
  return asSystem(portal.db, (tx) =>
    tx.selectFrom('outbox_emails').select(['status', 'attempts', 'last_error', 'sent_at', 'text_body']).where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

async function waitForStatus(portal: TestPortal, id: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await row(portal, id);
    if (current.status === status) return current;
    if (Date.now() > deadline) assert.fail(`email ${id} is ${current.status} (attempts ${current.attempts}), expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sentWith(smtp: TestSmtpServer, subject: string) {
  return smtp.received.filter((mail) => mail.raw.includes(`Subject: ${subject}`));
}

describe('email delivery through the job queue (pg-boss)', () => {
  let smtp: TestSmtpServer;
  let portal: TestPortal;
  let tenant: Tenant;

  before(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ jobs: true, mailRetryDelaysSeconds: [1, 1], mailMaxDeferralMs: 4000, env: { SMTP_URL: smtp.url, MAIL_FROM } });
    tenant = await portal.addTenant({ slug: 'nord' });
  });
  after(async () => {
    await portal.close();
    await smtp.close();
  });

  it('sends a queued email to a real SMTP server soon after wake()', async () => {
    const id = await queue(portal, tenant, 'Job path delivery');
    portal.services.mail.wake();
    const sent = await waitForStatus(portal, id, 'sent');

    const [mail, ...others] = sentWith(smtp, 'Job path delivery');
    assert.ok(mail);
    assert.equal(others.length, 0);
    assert.deepEqual(mail.to, ['parent@example.test']);
    assert.equal(mail.from, 'portail@mairie.test');
    assert.match(mail.raw, new RegExp(`^From: "?${tenant.name}"? <portail@mairie\\.test>`, 'm'), 'sent under the authority’s name');
    assert.match(mail.raw, /Subject was Job path delivery\./);
    assert.match(mail.raw, /https:\/\/portail\.test\/r\/abc/);
    assert.equal(sent.attempts, 1);
    assert.equal(sent.last_error, null);
    assert.deepEqual(sent.sent_at, portal.clock.now());
  });

  /** Registration day: the authority's line full, parents turned away every 100 ms, until `stop` is called. */
  function rush(): { stop(): void } {
    const gate = portal.app.bookingGate;
    const held: (() => void)[] = [];
    const knock = () => {
      for (let release = gate.admit(tenant.id); release; release = gate.admit(tenant.id)) held.push(release);
    };
    knock();
    const timer = setInterval(knock, 100);
    return {
      stop() {
        clearInterval(timer);
        for (const release of held) release();
      },
    };
  }

  it('sends at once while parents book with room in the line, as on an ordinary day', async () => {
    const gate = portal.app.bookingGate;
    const booking = setInterval(() => gate.admit(tenant.id)?.(), 100);
    try {
      const id = await queue(portal, tenant, 'Ordinary day');
      portal.services.mail.wake();
      await waitForStatus(portal, id, 'sent', 3000);
    } finally {
      clearInterval(booking);
    }
  });

  it('lets mail wait while the booking line is full, and sends it once the rush is over (registration day)', async () => {
    const registrationDay = rush();
    const id = await queue(portal, tenant, 'After the rush');
    try {
      portal.services.mail.wake();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal((await row(portal, id)).status, 'queued');
      assert.equal(sentWith(smtp, 'After the rush').length, 0);
    } finally {
      registrationDay.stop();
    }
    await waitForStatus(portal, id, 'sent');
  });

  it('sends mail during a long rush all the same, once it has waited the longest deferral', async () => {
    const registrationDay = rush();
    try {
      const id = await queue(portal, tenant, 'During a long rush');
      const queuedAt = Date.now();
      portal.services.mail.wake();
      await waitForStatus(portal, id, 'sent');
      assert.ok(Date.now() - queuedAt >= 4000, 'not before the longest deferral');
    } finally {
      registrationDay.stop();
    }
  });

  it('sends under the name the authority chose for its emails', async () => {
    await portal.inTenant(tenant, (scope) => updateTenantSettings(scope, { emailSenderName: 'Relais Enfance de Test' }));
    const id = await queue(portal, tenant, 'Named sender');
    portal.services.mail.wake();
    await waitForStatus(portal, id, 'sent');
    const [mail] = sentWith(smtp, 'Named sender');
    assert.match(mail!.raw, /^From: "?Relais Enfance de Test"? <portail@mairie\.test>/m);
    await portal.inTenant(tenant, (scope) =>
      scope.tx.updateTable('tenants').set({ settings: sql`settings - 'emailSenderName'` }).where('id', '=', tenant.id).execute(),
    );
  });

  it('delivers a burst of emails, each exactly once', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 25; n++) ids.push(await queue(portal, tenant, `Burst ${n}.`));
    portal.services.mail.wake();
    for (const id of ids) await waitForStatus(portal, id, 'sent');
    for (let n = 1; n <= 25; n++) assert.equal(sentWith(smtp, `Burst ${n}.`).length, 1);
  });

  it('retries when the server refuses, then marks the email failed with the server’s answer, keeping it', async () => {
    const offeredBefore = smtp.offered;
    smtp.answer = () => ({ code: 451, message: 'Mailbox busy, try later' });
    try {
      const id = await queue(portal, tenant, 'Refused every time');
      portal.services.mail.wake();
      const failed = await waitForStatus(portal, id, 'failed');

      assert.equal(failed.attempts, 3);
      assert.match(failed.last_error ?? '', /451/);
      assert.match(failed.last_error ?? '', /Mailbox busy/);
      assert.match(failed.text_body, /Subject was Refused every time/);
      assert.equal(smtp.offered - offeredBefore, 3);
      assert.equal(sentWith(smtp, 'Refused every time').length, 0);
    } finally {
      smtp.answer = () => 'accept';
    }
  });
});

describe('email delivery, one attempt at a time', () => {
  let smtp: TestSmtpServer;
  let portal: TestPortal;
  let tenant: Tenant;
  /** Another sender on the same database, as a second process would run. */
  const newSender = (mailer: Mailer | null, options: { retryDelaysSeconds?: number[] } = {}) =>
    new EmailSender({
      db: portal.db,
      clock: portal.clock,
      jobs: null,
      log: silent,
      mailer,
      secrets: outboxSecretsBox(portal.services.config.secret),
      ...options,
    });

  before(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ mailRetryDelaysSeconds: [0, 0], env: { SMTP_URL: smtp.url, MAIL_FROM } });
    tenant = await portal.addTenant({ slug: 'sud' });
  });
  after(async () => {
    await portal.close();
    await smtp.close();
  });

  it('keeps the email in the outbox when no SMTP server is configured', async () => {
    const id = await queue(portal, tenant, 'No server');
    const outcome = await newSender(mailerFromConfig({ smtpUrl: undefined, mailFrom: MAIL_FROM })).deliver(id);

    assert.deepEqual(outcome, { status: 'kept' });
    const kept = await row(portal, id);
    assert.equal(kept.status, 'kept');
    assert.equal(kept.sent_at, null);
    assert.equal(sentWith(smtp, 'No server').length, 0);
  });

  it('sends on the next attempt after a temporary refusal', async () => {
    const offeredBefore = smtp.offered;
    smtp.answer = (number) => (number === offeredBefore + 1 ? { code: 421, message: 'Too busy' } : 'accept');
    try {
      const id = await queue(portal, tenant, 'Second time lucky');
      assert.deepEqual(await portal.services.mail.deliverPending(), [{ status: 'retry', inSeconds: 0 }]);
      assert.equal((await row(portal, id)).status, 'queued');
      assert.deepEqual(await portal.services.mail.deliverPending(), [{ status: 'sent' }]);

      const sent = await row(portal, id);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 2);
      assert.equal(sent.last_error, null);
      assert.equal(sentWith(smtp, 'Second time lucky').length, 1);
    } finally {
      smtp.answer = () => 'accept';
    }
  });

  it('marks the email failed when the server cannot be reached, after every attempt', async () => {
    const closedPort = await freePort();
    const sender = newSender(mailerFromConfig({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, mailFrom: MAIL_FROM }), { retryDelaysSeconds: [0, 0] });
    const id = await queue(portal, tenant, 'Server down');

    assert.deepEqual(await sender.deliver(id), { status: 'retry', inSeconds: 0 });
    assert.deepEqual(await sender.deliver(id), { status: 'retry', inSeconds: 0 });
    assert.deepEqual(await sender.deliver(id), { status: 'failed' });
    assert.deepEqual(await sender.deliver(id), { status: 'skipped' });

    const failed = await row(portal, id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, 3);
    assert.match(failed.last_error ?? '', /ECONNREFUSED/);
  });

  it('sends an email only once when two workers deliver it at the same time', async () => {
    smtp.delayMs = 300;
    try {
      const id = await queue(portal, tenant, 'Only once');
      const first = newSender(mailerFromConfig({ smtpUrl: smtp.url, mailFrom: MAIL_FROM }));
      const second = newSender(mailerFromConfig({ smtpUrl: smtp.url, mailFrom: MAIL_FROM }));
      const outcomes = await Promise.all([first.deliver(id), second.deliver(id), first.deliver(id), second.deliver(id)]);

      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['sent', 'skipped', 'skipped', 'skipped']);
      assert.deepEqual(await second.deliver(id), { status: 'skipped' });
      assert.deepEqual(await portal.services.mail.deliverPending(), []);
      assert.equal(sentWith(smtp, 'Only once').length, 1);
      assert.equal((await row(portal, id)).attempts, 1);
    } finally {
      smtp.delayMs = 0;
    }
  });

  it('sends, after a restart, what a crashed process left queued or half-sent', async () => {
    // The crashed process committed one email but died before waking the sender, and had claimed
    // another one when it died: its claim has expired since.
    const neverWoken = await queue(portal, tenant, 'Left queued');
    const halfSent = await queue(portal, tenant, 'Left half-sent');
    await asSystem(portal.db, (tx) =>
      tx.updateTable('outbox_emails').set({ attempts: 1, leased_until: sql<Date>`now() - interval '1 second'` }).where('id', '=', halfSent).execute(),
    );

    // The restarted process: its own job queue and sender on the same database.
    const jobs = await startJobQueue(portal.db, silent);
    try {
      await new EmailSender({
        db: portal.db,
        clock: portal.clock,
        jobs,
        log: silent,
        mailer: mailerFromConfig({ smtpUrl: smtp.url, mailFrom: MAIL_FROM }),
        secrets: outboxSecretsBox(portal.services.config.secret),
      }).start();
      assert.equal((await waitForStatus(portal, neverWoken, 'sent')).attempts, 1);
      assert.equal((await waitForStatus(portal, halfSent, 'sent')).attempts, 2);
    } finally {
      await stopJobQueue(jobs);
    }
    assert.equal(sentWith(smtp, 'Left queued').length, 1);
    assert.equal(sentWith(smtp, 'Left half-sent').length, 1);
  });

  it('does not take an email another sender is still sending', async () => {
    const id = await queue(portal, tenant, 'Claimed elsewhere');
    await asSystem(portal.db, (tx) =>
      tx.updateTable('outbox_emails').set({ attempts: 1, leased_until: sql<Date>`now() + interval '1 minute'` }).where('id', '=', id).execute(),
    );
    assert.deepEqual(await portal.services.mail.deliverPending(), []);
    assert.deepEqual(await portal.services.mail.deliver(id), { status: 'skipped' });
    assert.equal(sentWith(smtp, 'Claimed elsewhere').length, 0);
  });
});

/** A port nothing listens on: taken, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
