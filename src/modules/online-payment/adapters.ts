import type { ProviderKind } from './online-payment.tables.js';
import { payfip } from './payfip.js';
import type { ProviderAdapter } from './providers.js';
import { systempay } from './systempay.js';
import { tipi } from './tipi.js';

/** Each provider's adapter; PayZen speaks Systempay's protocol at its own address. */
const ADAPTERS: Record<ProviderKind, ProviderAdapter> = { payfip, tipi, systempay, payzen: systempay };

export function adapterOf(provider: ProviderKind): ProviderAdapter {
  return ADAPTERS[provider];
}
