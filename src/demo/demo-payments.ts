import type { Config } from '../config.js';
import { saveChannel } from '../modules/online-payment/channels.js';
import type { Scope } from '../modules/scope.js';
import { DEMO_SYSTEMPAY_SHOP } from '../payment-simulators/demo-shops.js';
import { SIMULATORS_PATH } from '../payment-simulators/simulators.js';

/**
 * Online payment in the demo: both régies take cards through the Systempay simulator served by the
 * portal itself (test mode), and the care régie lets families pay part of an invoice.
 */
export async function seedDemoPayments(scope: Scope, regies: { meals: string; care: string }, config: Pick<Config, 'publicUrl' | 'secret'>): Promise<void> {
  for (const regieId of [regies.meals, regies.care]) {
    const saved = await saveChannel(
      scope,
      regieId,
      {
        provider: 'systempay',
        mode: 'test',
        merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
        endpoint: `${config.publicUrl}${SIMULATORS_PATH}/systempay/vads-payment/`,
        keys: DEMO_SYSTEMPAY_SHOP.keys,
      },
      config,
    );
    if (saved.kind !== 'saved') throw new Error('demo payment channel not saved');
  }
  await scope.tx.updateTable('regies').set({ online_partial: true }).where('id', '=', regies.care).execute();
}
