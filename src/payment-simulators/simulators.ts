import type { FastifyPluginAsync } from 'fastify';
import { payfipSimulator } from './payfip-simulator.js';
import { type SystempayShops, systempaySimulator } from './systempay-simulator.js';
import { tipiSimulator } from './tipi-simulator.js';

/**
 * The local payment providers, under /simulateurs/<provider>: the demo mounts them in the portal
 * (PAYMENT_SIMULATORS, on with DEMO) so that a new user can pay at first start, and the tests start
 * them on a port of their own. Never for a real authority: they pay nothing.
 */
export const SIMULATORS_PATH = '/simulateurs';

export interface SimulatorOptions {
  systempay: SystempayShops;
}

/**
 * The simulators' pages send the browser back to the portal's return address, which may not be the
 * address they are served at (the demo browsed at demo.localhost): their forms may lead anywhere.
 */
const SIMULATOR_POLICY = "default-src 'self'; img-src 'self' data:; form-action *; frame-ancestors 'none'; base-uri 'none'";

export const paymentSimulators: FastifyPluginAsync<SimulatorOptions> = async (app, options) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', SIMULATOR_POLICY);
    return payload;
  });
  await app.register(systempaySimulator, { prefix: `${SIMULATORS_PATH}/systempay`, ...options.systempay });
  await app.register(payfipSimulator, { prefix: `${SIMULATORS_PATH}/payfip` });
  await app.register(tipiSimulator, { prefix: `${SIMULATORS_PATH}/tipi` });
};
