import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { apiLogin, callApi, startApiScenario, type ApiScenario } from './support/api-scenario.js';
import { TestBrowser } from './support/http-client.js';
import { PASSWORD } from './support/scenario.js';

/**
 * Clients that send the headers of a booking and then stall in the middle of its body (the audit's
 * attack: sixty of them shut an authority's booking door). The line is five places long here, the
 * request time limit two seconds.
 */
describe('clients that stall in the middle of a booking', () => {
  let scenario: ApiScenario;
  let port: number;
  const stalled: { path: string; socket: Socket; received: string; closed: boolean }[] = [];

  before(async () => {
    scenario = await startApiScenario({ BOOKING_QUEUE: '5', REQUEST_TIMEOUT_SECONDS: '2' });
    await scenario.portal.app.listen({ port: 0, host: '127.0.0.1' });
    port = (scenario.portal.app.server.address() as { port: number }).port;
  });
  after(async () => {
    for (const client of stalled) client.socket.destroy();
    await scenario.portal.close();
  });

  /** Opens a connection that sends a booking's headers and a few bytes of its body, then nothing. */
  function stall(path: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const client = { path, socket, received: '', closed: false };
      stalled.push(client);
      socket.on('data', (chunk) => (client.received += chunk.toString()));
      socket.on('close', () => (client.closed = true));
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        const lines = [
          `POST ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Content-Length: 100000',
          ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\nactivite=`, (error) => (error ? reject(error) : resolve()));
      });
    });
  }

  it('keeps booking open to families, page and API, and cuts the stalled connections at the time limit', async () => {
    const { portal, family, neighbour, wednesdays } = scenario;
    // A parent logged in on the website, whose own connection stalls too: a known person's half-sent
    // form holds no place either.
    const stallingParent = new TestBrowser(portal.app);
    await stallingParent.get('/ville/connexion');
    await stallingParent.post('/ville/connexion', { email: neighbour.email, password: PASSWORD });
    const cookie = [...stallingParent.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    for (let index = 0; index < 60; index++) {
      await stall('/ville/reservations', { 'Content-Type': 'application/x-www-form-urlencoded', ...(index % 10 === 0 ? { Cookie: cookie } : {}) });
    }
    for (let index = 0; index < 10; index++) await stall('/ville/api/v1/bookings', { 'Content-Type': 'application/json' });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const parent = new TestBrowser(portal.app);
    await parent.get('/ville/connexion');
    await parent.post('/ville/connexion', { email: family.email, password: PASSWORD });
    await parent.get('/ville/reservations');
    const sent = await parent.post('/ville/reservations', { activite: wednesdays.id, choix: [`${family.childIds[0]}|${wednesdays.meal}|2026-12-09`] });
    assert.equal(sent.statusCode, 303, `the page's booking was answered ${sent.statusCode}`);
    const page = await parent.follow(sent);
    assert.match(page.body, /Réservée/);

    const token = await apiLogin(portal, family);
    const api = await callApi(portal, {
      method: 'POST',
      url: '/ville/api/v1/bookings',
      token,
      body: { activityId: wednesdays.id, choices: [{ childId: family.childIds[1]!, unitId: wednesdays.meal, day: '2026-12-09' }] },
    });
    assert.equal(api.statusCode, 200, `the API's booking was answered ${api.statusCode}`);

    // Past the time limit (two seconds, checked every second) every stalled connection is answered
    // 408 and closed; the API tells a call without a token so at once.
    const deadline = Date.now() + 6_000;
    while (stalled.some((client) => !client.closed) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stalled.filter((client) => !client.closed).length, 0, 'every stalled connection is closed');
    const statusLines = (path: string) => [...new Set(stalled.filter((client) => client.path === path).map((client) => client.received.split('\r\n')[0]))];
    assert.deepEqual(statusLines('/ville/reservations'), ['HTTP/1.1 408 Request Timeout'], 'each is told its request took too long');
    assert.deepEqual(statusLines('/ville/api/v1/bookings'), ['HTTP/1.1 401 Unauthorized']);
  });
});
