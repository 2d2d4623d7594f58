import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { payfipSimulator } from '../../payment-simulators/payfip-simulator.js';
import { payfipAdapter, payfipObjet } from './payfip.js';
import type { Channel, Departing, ProviderAnswer } from './providers.js';

// The adapter against the simulator, started here on a port of its own, with a stand-in for the
// portal's notification address that keeps what it receives.
// Long enough for a loaded machine to answer, short enough for the test of a service that never answers.
const payfip = payfipAdapter(3_000);
let app: FastifyInstance;
let base: string;
let channel: Channel;
const received: { url: string; fields: Record<string, string> }[] = [];

before(async () => {
  app = Fastify();
  await app.register(formbody);
  app.post('/portail/notification', async (request) => {
    received.push({ url: request.url, fields: { ...(request.body as Record<string, string>) } });
    return 'OK';
  });
  await app.register(payfipSimulator, { prefix: '/simulateur' });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  channel = { id: 'c', provider: 'payfip', mode: 'test', merchantId: '123456', keys: null, endpoint: `${base}/simulateur` };
});

after(() => app.close());

function departing(overrides: Partial<Departing> = {}): Departing {
  return {
    reference: `R${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    amountCents: 4250,
    payerEmail: 'claire@example.org',
    label: 'Factures RS-2026-00001',
    createdAt: new Date('2026-12-05T10:11:12Z'),
    year: 2026,
    notifyUrl: `${base}/portail/notification`,
    returnUrl: 'https://portail.example/paiement/42',
    ...overrides,
  };
}

/** Departs, and answers the idOp and the payment page's address. */
async function depart(attempt = departing(), on = channel) {
  const departure = await payfip.depart(on, attempt);
  assert.equal(departure.kind, 'redirect', JSON.stringify(departure));
  if (departure.kind !== 'redirect') throw new Error('no departure');
  return { idOp: departure.providerRef!, url: departure.url, attempt };
}

/** A person's choice on the payment page. */
function choose(idOp: string, outcome: string, notification = 'normal') {
  return fetch(`${base}/simulateur/tpa/paiementws.web`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ idop: idOp, outcome, notification }).toString(),
    redirect: 'manual',
  });
}

function control(panne: string, appels = '1') {
  return fetch(`${base}/simulateur/controle`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ panne, appels }).toString(),
    redirect: 'manual',
  });
}

function notificationsOf(idOp: string) {
  return received.filter((notification) => notification.fields.idOp === idOp);
}

const lookUp = (idOp: string | null) => payfip.lookup!(channel, { reference: 'x', providerRef: idOp, createdAt: new Date() });

describe('PayFiP', () => {
  it('departs with an idOp; the notification is read from our own lookup, P5 until the payer has chosen', async () => {
    const { idOp, url, attempt } = await depart();
    assert.equal(url, `${base}/simulateur/tpa/paiementws.web?idop=${idOp}`);
    assert.deepEqual(await lookUp(idOp), { kind: 'unknown_yet' });

    const page = await fetch(url);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Simulateur PayFiP — aucun paiement réel/);
    assert.match(html, /42,50 €/);
    assert.ok(html.includes(attempt.reference) && html.includes('123456') && html.includes('Factures RS 2026 00001'));
    for (const [, id] of html.matchAll(/<(?:input|select) (?!type="hidden")[^>]*id="([^"]+)"/g))
      assert.match(html, new RegExp(`<label for="${id}">`), `${id} has a label`);
    assert.doesNotMatch(html, /<script|style=/);

    const answer = await choose(idOp, 'card');
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), `https://portail.example/paiement/42?idop=${idOp}`);
    const notifications = notificationsOf(idOp);
    assert.deepEqual(
      notifications.map((notification) => notification.fields),
      [{ idOp }],
    );
    assert.deepEqual(payfip.claimOf(notifications[0]!.fields), { providerRef: idOp });
    const verified = await payfip.verifyNotification(channel, notifications[0]!.fields, { reference: attempt.reference, providerRef: idOp });
    assert.match((verified as { authorisation: string }).authorisation, /^[0-9A-F]{6}$/);
    const { raw, ...read } = verified as Extract<ProviderAnswer, { kind: 'result' }>;
    assert.equal(raw?.idOp, idOp, 'the lookup’s own fields kept for the audit');
    assert.deepEqual(read, {
      kind: 'result',
      reference: attempt.reference,
      amountCents: 4250,
      merchantId: '123456',
      mode: 'test',
      outcome: 'paid',
      method: 'online_card',
      authorisation: (verified as { authorisation: string }).authorisation,
    });
    assert.equal((await fetch(url)).status, 409, 'an operation is paid once');
    assert.equal((await choose(idOp, 'card')).status, 400);
  });

  it('reads a direct debit, a refused card or debit, and an abandonment', async () => {
    const outcomes: [string, Partial<ProviderAnswer>][] = [
      ['debit', { outcome: 'paid', method: 'online_debit' }],
      ['refused', { outcome: 'refused' }],
      ['debitRefused', { outcome: 'refused' }],
      ['abandoned', { outcome: 'abandoned' }],
    ];
    for (const [choice, expected] of outcomes) {
      const { idOp } = await depart();
      assert.equal((await choose(idOp, choice)).status, 303);
      const answer = await lookUp(idOp);
      const { outcome, method, authorisation } = answer as { outcome: string; method?: string; authorisation?: string };
      assert.deepEqual({ outcome, method }, { method: undefined, ...expected }, choice);
      assert.equal(authorisation !== undefined, outcome === 'paid', `${choice}: an authorisation number for a payment only`);
    }
  });

  it('answers an unknown attempt for an idOp PayFiP does not know (P1), or no idOp, or no attempt', async () => {
    assert.deepEqual(await lookUp('5a6f0d8e-0000-4000-8000-000000000000'), { kind: 'unknown_attempt' });
    assert.deepEqual(await lookUp(null), { kind: 'unknown_attempt' });
    assert.deepEqual(await payfip.verifyNotification(channel, { idop: 'whatever' }, null), { kind: 'unknown_attempt' });
  });

  it('believes nothing a notification says: the attempt’s own idOp is looked up', async () => {
    const paid = await depart();
    await choose(paid.idOp, 'card', 'none');
    const abandoned = await depart();
    await choose(abandoned.idOp, 'abandoned', 'none');
    const forged = { idop: paid.idOp, refdet: paid.attempt.reference, montant: '4250', resultrans: 'P' };
    const answer = await payfip.verifyNotification(channel, forged, { reference: abandoned.attempt.reference, providerRef: abandoned.idOp });
    assert.equal((answer as { outcome: string }).outcome, 'abandoned');
    assert.equal((answer as { reference: string }).reference, abandoned.attempt.reference);
  });

  it('claims the attempt by its idOp, sent as idop or idOp', () => {
    assert.deepEqual(payfip.claimOf({ idop: 'a' }), { providerRef: 'a' });
    assert.deepEqual(payfip.claimOf({ idOp: 'b' }), { providerRef: 'b' });
    assert.equal(payfip.claimOf({ refdet: 'c' }), null);
  });

  it('is unavailable on a SOAP fault, HTTP 502, no answer in time, or no server; the next call works again', async () => {
    const { idOp } = await depart();
    await control('faute');
    const fault = await payfip.depart(channel, departing());
    assert.equal(fault.kind, 'unavailable');
    assert.match((fault as { why: string }).why, /TechIndisponibiliteErreur/);
    assert.equal((await payfip.depart(channel, departing())).kind, 'redirect', 'one call only failed');

    await control('http502', '2');
    assert.deepEqual(await lookUp(idOp), { kind: 'unavailable', why: 'recupererDetailPaiementSecurise: HTTP 502' });
    assert.deepEqual(await payfip.verifyNotification(channel, { idop: idOp }, { reference: 'x', providerRef: idOp }), {
      kind: 'unavailable',
      why: 'recupererDetailPaiementSecurise: HTTP 502',
    });
    assert.deepEqual(await lookUp(idOp), { kind: 'unknown_yet' });

    await control('attente');
    const started = Date.now();
    assert.deepEqual(await lookUp(idOp), { kind: 'unavailable', why: 'recupererDetailPaiementSecurise: timeout' });
    assert.ok(Date.now() - started < 5_000);

    const nobody = await payfip.depart({ ...channel, endpoint: 'http://127.0.0.1:9' }, departing());
    assert.equal(nobody.kind, 'unavailable');
  });

  it('is unavailable when PayFiP refuses the payment asked (R3: a reference of other characters; an amount below 1 €)', async () => {
    const badReference = await payfip.depart(channel, departing({ reference: 'AB-123456' }));
    assert.equal(badReference.kind, 'unavailable');
    assert.match((badReference as { why: string }).why, /FonctionnelleErreur R3/);
    const tooLittle = await payfip.depart(channel, departing({ amountCents: 99 }));
    assert.match((tooLittle as { why: string }).why, /FonctionnelleErreur M1/);
  });

  it('escapes what it sends in XML: a notification address with a query comes back whole', async () => {
    const notifyUrl = `${base}/portail/notification?canal=a&x=<1>`;
    const { idOp } = await depart(departing({ notifyUrl, payerEmail: "o'neil&co@example.org", label: 'Cantine & garderie <été>' }));
    assert.match(await (await fetch(`${base}/simulateur/tpa/paiementws.web?idop=${idOp}`)).text(), /Cantine garderie ete/);
    await choose(idOp, 'card');
    const [notification] = notificationsOf(idOp);
    assert.deepEqual(
      [...new URL(notification!.url, base).searchParams],
      [
        ['canal', 'a'],
        ['x', '<1>'],
      ],
    );
  });

  it('sends the notification twice in a row, twice at once, or not at all, and no browser back from a closed tab', async () => {
    for (const [way, count] of [
      ['duplicate', 2],
      ['simultaneous', 2],
      ['none', 0],
    ] as const) {
      const { idOp } = await depart();
      assert.equal((await choose(idOp, 'card', way)).status, 303);
      assert.equal(notificationsOf(idOp).length, count, way);
    }
    const { idOp } = await depart();
    const closed = await choose(idOp, 'closed');
    assert.equal(closed.status, 200);
    assert.equal(closed.headers.get('location'), null);
    assert.equal(notificationsOf(idOp).length, 1);
    assert.equal(((await lookUp(idOp)) as { outcome: string }).outcome, 'paid', 'the lookup finds what the lost return did not say');
  });

  it('speaks production with saisie W', async () => {
    const production = { ...channel, mode: 'production' as const };
    const { idOp } = await depart(departing(), production);
    await choose(idOp, 'card', 'none');
    assert.equal(((await payfip.lookup!(production, { reference: 'x', providerRef: idOp, createdAt: new Date() })) as { mode: string }).mode, 'production');
  });

  it('offers a page to make the next calls fail, every control labelled', async () => {
    const page = await (await fetch(`${base}/simulateur/controle`)).text();
    assert.match(page, /<label for="panne">/);
    assert.match(page, /<label for="appels">/);
    assert.equal((await control('panne-inconnue')).status, 400);
    assert.equal((await control('aucune')).status, 303);
  });

  it('makes the label an objet PayFiP takes: letters, digits, spaces, no accents, 100 at most', () => {
    assert.equal(payfipObjet('Crèche « Les Pâquerettes » – été 2026, sœurs'), 'Creche Les Paquerettes ete 2026 soeurs');
    assert.equal(payfipObjet(`Factures ${'A1 '.repeat(60)}`).length, 100);
    assert.match(payfipObjet(`Factures ${'A1 '.repeat(60)}`), /^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/);
  });
});
