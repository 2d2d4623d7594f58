/**
 * The shops the simulators know out of the box: the demo authority's channels are set with them
 * (src/demo), so that a new user can pay at first start. Their keys protect nothing real.
 */
export const DEMO_SYSTEMPAY_SHOP = { siteId: '12345678', keys: { test: 'demo-systempay-test-key-2026', production: 'demo-systempay-production-key-2026' } };

/** The Treasury's client number of the demo's régies (PayFiP and TIPI simulators take any six digits). */
export const DEMO_PAYFIP_NUMCLI = '012345';

export const DEMO_SHOPS = { systempay: { shops: { [DEMO_SYSTEMPAY_SHOP.siteId]: DEMO_SYSTEMPAY_SHOP.keys } } };
