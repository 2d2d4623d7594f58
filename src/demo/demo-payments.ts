import type { Config } from '../config.js';
import { type ChannelSettings, saveChannel } from '../modules/online-payment/channels.js';
import type { Scope } from '../modules/scope.js';
import { DEMO_PAYFIP_NUMCLI, DEMO_SYSTEMPAY_SHOP } from '../payment-simulators/demo-shops.js';
import { SIMULATORS_PATH } from '../payment-simulators/simulators.js';

/**
 * Online payment in the demo, through the simulators the portal serves itself (test mode): school
 * meals are paid through PayFiP (card or direct debit), as the Treasury's régies do; care and
 * leisure by card through Systempay or PayFiP, and families may pay part of an invoice there.
 */
export async function seedDemoPayments(scope: Scope, regies: { meals: string; care: string }, config: Pick<Config, 'publicUrl' | 'secret'>): Promise<void> {
  const payfip: ChannelSettings = {
    provider: 'payfip',
    mode: 'test',
    merchantId: DEMO_PAYFIP_NUMCLI,
    endpoint: `${config.publicUrl}${SIMULATORS_PATH}/payfip`,
  };
  const systempay: ChannelSettings = {
    provider: 'systempay',
    mode: 'test',
    merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
    endpoint: `${config.publicUrl}${SIMULATORS_PATH}/systempay/vads-payment/`,
    keys: DEMO_SYSTEMPAY_SHOP.keys,
  };
  for (const [regieId, settings] of [
    [regies.meals, payfip],
    [regies.care, payfip],
    [regies.care, systempay],
  ] as const) {
    const saved = await saveChannel(scope, regieId, settings, config);
    if (saved.kind !== 'saved') throw new Error('demo payment channel not saved');
  }
  await scope.tx.updateTable('regies').set({ online_partial: true }).where('id', '=', regies.care).execute();
}
