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

export const paymentSimulators: FastifyPluginAsync<SimulatorOptions> = async (app, options) => {
  await app.register(systempaySimulator, { prefix: `${SIMULATORS_PATH}/systempay`, ...options.systempay });
  await app.register(payfipSimulator, { prefix: `${SIMULATORS_PATH}/payfip` });
  await app.register(tipiSimulator, { prefix: `${SIMULATORS_PATH}/tipi` });
};
