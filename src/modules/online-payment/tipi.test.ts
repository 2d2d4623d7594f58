import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { tipiSimulator } from '../../payment-simulators/tipi-simulator.js';
import type { Channel, Departing } from './providers.js';
import { TIPI_SAISIE, tipi } from './tipi.js';

// The adapter against the simulator, started here on a port of its own, with a stand-in for the
// portal's notification address (urlcl) that keeps what the simulated server posts to it.
let app: FastifyInstance;
let base: string;
let channel: Channel;
const posted: Record<string, string>[] = [];

before(async () => {
  app = Fastify();
  await app.register(formbody);
  app.post('/portail/notification', async (request) => {
    posted.push({ ...(request.body as Record<string, string>) });
    return 'OK';
  });
  await app.register(tipiSimulator, { prefix: '/simulateur' });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  channel = { id: 'c', provider: 'tipi', mode: 'test', merchantId: '654321', keys: null, endpoint: `${base}/simulateur` };
});

after(() => app.close());

function departing(overrides: Partial<Departing> = {}): Departing {
  return {
    reference: `R${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    amountCents: 1990,
    payerEmail: 'claire@example.org',
    label: 'Factures RS-2026-00002',
    createdAt: new Date('2026-12-05T10:11:12Z'),
    year: 2026,
    notifyUrl: `${base}/portail/notification`,
    returnUrl: 'https://portail.example/paiement/42',
    ...overrides,
  };
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/**
 * Departs, opens the payment page and sends its form with the outcome chosen: answers the page, the
 * simulator's answer to the choice, and what it posted to urlcl.
 */
async function pay(outcome: string, attempt = departing(), on = channel, notification = 'normal') {
  const departure = await tipi.depart(on, attempt);
  assert.equal(departure.kind, 'redirect');
  if (departure.kind !== 'redirect') throw new Error('no departure');
  const page = await fetch(departure.url);
  const html = await page.text();
  assert.equal(page.status, 200, html);
  const form = new URLSearchParams(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [name!, unescapeHtml(value!)]),
  );
  form.set('outcome', outcome);
  form.set('notification', notification);
  const before = posted.length;
  const answer = await fetch(`${base}/simulateur/tpa/paiement.web`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  return { html, answer, attempt, notifications: posted.slice(before) };
}

describe('TIPI', () => {
  it('sends the browser with the payment in the query, urlcl being the notification address', async () => {
    const attempt = departing({ reference: 'REF0000000001' });
    const departure = await tipi.depart(channel, attempt);
    assert.equal(departure.kind, 'redirect');
    const url = new URL((departure as { url: string }).url);
    assert.equal(`${url.origin}${url.pathname}`, `${base}/simulateur/tpa/paiement.web`);
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      numcli: '654321',
      exer: '2026',
      refdet: 'REF0000000001',
      objet: 'Factures RS 2026 00002',
      montant: '1990',
      mel: 'claire@example.org',
      urlcl: attempt.notifyUrl,
      saisie: 'T',
    });
    const production = await tipi.depart({ ...channel, mode: 'production' }, attempt);
    assert.equal(new URL((production as { url: string }).url).searchParams.get('saisie'), TIPI_SAISIE.production);
    assert.equal(tipi.lookup, null);
  });

  it('reads a card payment from the post to urlcl and from the browser’s return alike, keys in any case', async () => {
    const { html, answer, attempt, notifications } = await pay('card');
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Simulateur TIPI — aucun paiement réel/);
    assert.match(html, /19,90 €/);
    for (const [, id] of html.matchAll(/<input (?!type="hidden")[^>]*id="([^"]+)"/g))
      assert.match(html, new RegExp(`<label for="${id}">`), `${id} has a label`);
    assert.doesNotMatch(html, /<script|style=/);

    assert.equal(answer.status, 303);
    const back = new URL(answer.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, attempt.notifyUrl);
    const returned = Object.fromEntries(back.searchParams);
    assert.equal(notifications.length, 1);
    const [notification] = notifications;
    assert.equal(notification!.REFDET, attempt.reference, 'the server posts its keys in upper case');
    assert.equal(returned.refdet, attempt.reference, 'the browser comes back with them in lower case');

    for (const fields of [notification!, returned]) {
      assert.deepEqual(tipi.claimOf(fields), { reference: attempt.reference });
      const answer = await tipi.verifyNotification(channel, fields, { reference: attempt.reference, providerRef: null });
      assert.deepEqual(answer, {
        kind: 'result',
        reference: attempt.reference,
        amountCents: 1990,
        merchantId: '654321',
        mode: 'test',
        outcome: 'paid',
        method: 'online_card',
        authorisation: notification!.NUMAUTO,
      });
    }
    assert.match(notification!.NUMAUTO!, /^[0-9A-F]{6}$/);
    assert.match(notification!.DATTRANS!, /^\d{8}$/);
    assert.match(notification!.HEURTRANS!, /^\d{4}$/);
  });

  it('reads a refusal and an abandonment; a closed tab sends the notification and no browser back', async () => {
    for (const [outcome, expected] of [
      ['refused', 'refused'],
      ['abandoned', 'abandoned'],
    ]) {
      const { notifications } = await pay(outcome!);
      const answer = await tipi.verifyNotification(channel, notifications[0]!, null);
      assert.deepEqual([(answer as { outcome: string }).outcome, (answer as { authorisation?: string }).authorisation], [expected, undefined]);
    }
    const closed = await pay('closed');
    assert.equal(closed.answer.status, 200);
    assert.equal(closed.notifications.length, 1);
    assert.equal(((await tipi.verifyNotification(channel, closed.notifications[0]!, null)) as { outcome: string }).outcome, 'paid');
  });

  it('sends the notification twice, twice at once, or not at all', async () => {
    for (const [way, count] of [
      ['duplicate', 2],
      ['simultaneous', 2],
      ['none', 0],
    ] as const) {
      const { answer, notifications } = await pay('card', departing(), channel, way);
      assert.equal(answer.status, 303);
      assert.equal(notifications.length, count, way);
    }
  });

  it('reads a production payment as production', async () => {
    const { notifications } = await pay('card', departing(), { ...channel, mode: 'production' });
    assert.equal(((await tipi.verifyNotification(channel, notifications[0]!, null)) as { mode: string }).mode, 'production');
  });

  it('reads forged fields as they are, for settling to refuse: another amount, a reference never issued', async () => {
    const { notifications, attempt } = await pay('card');
    const genuine = notifications[0]!;
    const cheaper = await tipi.verifyNotification(channel, { ...genuine, MONTANT: '100' }, { reference: attempt.reference, providerRef: null });
    assert.deepEqual([(cheaper as { reference: string }).reference, (cheaper as { amountCents: number }).amountCents], [attempt.reference, 100]);
    const invented = { ...genuine, REFDET: 'NEVERISSUED1' };
    assert.deepEqual(tipi.claimOf(invented), { reference: 'NEVERISSUED1' });
    assert.equal(((await tipi.verifyNotification(channel, invented, null)) as { reference: string }).reference, 'NEVERISSUED1');
    const elsewhere = await tipi.verifyNotification(channel, { ...genuine, NUMCLI: '111111' }, null);
    assert.equal((elsewhere as { merchantId: string }).merchantId, '111111');
  });

  it('rejects what it cannot read: no reference, an amount not in cents, an unknown result or saisie', async () => {
    const { notifications } = await pay('card');
    const { REFDET: _, ...noReference } = notifications[0]!;
    assert.equal(tipi.claimOf(noReference), null);
    for (const fields of [
      noReference,
      { ...notifications[0]!, MONTANT: '19.90' },
      { ...notifications[0]!, RESULTRANS: 'Q' },
      { ...notifications[0]!, SAISIE: 'Q' },
    ]) {
      assert.equal((await tipi.verifyNotification(channel, fields, null)).kind, 'rejected', JSON.stringify(fields));
    }
  });

  it('refuses a malformed payment as the Treasury does (R3: a reference too short; an amount below 1 €)', async () => {
    for (const [overrides, code] of [
      [{ reference: 'AB12' }, 'R3'],
      [{ amountCents: 99 }, 'M1'],
    ] as const) {
      const departure = await tipi.depart(channel, departing(overrides));
      const page = await fetch((departure as { url: string }).url);
      assert.equal(page.status, 400);
      assert.match(await page.text(), new RegExp(`Erreur ${code}`));
    }
  });
});
