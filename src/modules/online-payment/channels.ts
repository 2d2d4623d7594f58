import { may } from '../access.js';
import { optional, required, type FieldError } from '../validation/fields.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { SealedBox } from '../security/sealed-box.js';
import { type ChannelMode, PROVIDERS, type PaymentChannelsTable, type ProviderKind } from './online-payment.tables.js';
import type { Channel } from './providers.js';

/**
 * The online payment providers a régie offers families ("channels"), with their merchant ids and
 * keys. Keys are sealed at rest with the server secret, bound to their channel: a copy of the
 * database without the secret opens none, and a key moved to another channel opens nothing.
 */

/** The server secret the keys are sealed with (the portal's SECRET). */
export interface ChannelSecrets {
  secret: string;
}

function keysBox(secrets: ChannelSecrets): SealedBox {
  return new SealedBox(secrets.secret, 'payment provider keys');
}

/** A channel as families choose it: no keys. */
export interface ChannelChoice {
  id: string;
  regieId: string;
  provider: ProviderKind;
  mode: ChannelMode;
  /** The web origin of the provider's payment page (null when its address is not one). */
  origin: string | null;
}

/** The enabled channels of the régies given, in a stable order. */
export async function channelsOfRegies(scope: Scope, regieIds: string[]): Promise<ChannelChoice[]> {
  if (regieIds.length === 0) return [];
  const rows = await scope.tx
    .selectFrom('payment_channels')
    .select(['id', 'regie_id', 'provider', 'mode', 'endpoint'])
    .where('regie_id', 'in', regieIds)
    .where('enabled', '=', true)
    .orderBy('provider')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    regieId: row.regie_id,
    provider: row.provider,
    mode: row.mode,
    origin: URL.canParse(row.endpoint) ? new URL(row.endpoint).origin : null,
  }));
}

function channelOf(
  row: Pick<PaymentChannelsTable, 'provider' | 'mode' | 'merchant_id' | 'endpoint' | 'sealed_keys'> & { id: string },
  secrets: ChannelSecrets,
): Channel {
  return {
    id: row.id,
    provider: row.provider,
    mode: row.mode,
    merchantId: row.merchant_id,
    endpoint: row.endpoint,
    keys: row.sealed_keys ? JSON.parse(keysBox(secrets).open(row.sealed_keys, row.id)) : null,
  };
}

/** A channel with its keys opened, for its adapter; null when unknown in this tenant. */
export async function openChannel(scope: Scope, channelId: string, secrets: ChannelSecrets): Promise<(Channel & { regieId: string }) | null> {
  const row = await scope.tx
    .selectFrom('payment_channels')
    .select(['id', 'regie_id', 'provider', 'mode', 'merchant_id', 'endpoint', 'sealed_keys'])
    .where('id', '=', channelId)
    .executeTakeFirst();
  return row ? { ...channelOf(row, secrets), regieId: row.regie_id } : null;
}

export interface ChannelSettings {
  provider: ProviderKind;
  mode: ChannelMode;
  merchantId: string;
  endpoint: string;
  keys?: { test?: string; production?: string };
  enabled?: boolean;
}

/**
 * Sets a régie's channel for a provider (one per provider): administrators only. Keys given replace
 * the stored ones; keys left out keep them.
 */
export async function saveChannel(
  scope: Scope,
  regieId: string,
  settings: ChannelSettings,
  secrets: ChannelSecrets,
): Promise<{ kind: 'saved'; id: string } | { kind: 'forbidden' }> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const existing = await scope.tx
    .selectFrom('payment_channels')
    .select(['id', 'sealed_keys'])
    .where('regie_id', '=', regieId)
    .where('provider', '=', settings.provider)
    .executeTakeFirst();
  const id = existing?.id ?? crypto.randomUUID();
  const kept = existing?.sealed_keys ? JSON.parse(keysBox(secrets).open(existing.sealed_keys, id)) : {};
  const keys = { ...kept, ...settings.keys };
  const sealed = Object.keys(keys).length > 0 ? keysBox(secrets).seal(JSON.stringify(keys), id) : null;
  const values = {
    mode: settings.mode,
    merchant_id: settings.merchantId,
    endpoint: settings.endpoint,
    sealed_keys: sealed,
    enabled: settings.enabled ?? true,
  };
  if (existing) await scope.tx.updateTable('payment_channels').set(values).where('id', '=', id).execute();
  else
    await scope.tx
      .insertInto('payment_channels')
      .values({ id, tenant_id: scope.tenantId, regie_id: regieId, provider: settings.provider, created_at: scope.now, ...values })
      .execute();
  await recordAudit(scope, {
    action: 'payment_channel.saved',
    objectType: 'regie',
    objectId: regieId,
    details: { provider: settings.provider, mode: settings.mode, merchantId: settings.merchantId, keysChanged: Object.keys(settings.keys ?? {}) },
  });
  return { kind: 'saved', id };
}

// --- staff's set-up ------------------------------------------------------------------------------

/** A régie's channel as staff see it: never its keys, only which are stored. */
export interface ChannelSetup {
  id: string;
  provider: ProviderKind;
  mode: ChannelMode;
  merchantId: string;
  endpoint: string;
  enabled: boolean;
  keysStored: ('test' | 'production')[];
}

/** The régie's channels and whether it lets families pay part of an invoice; null for an unknown régie. */
export async function onlinePaymentSetup(
  scope: Scope,
  regieId: string,
  secrets: ChannelSecrets,
): Promise<{ regieName: string; partialAllowed: boolean; channels: ChannelSetup[] } | null> {
  if (!may(scope, 'service.read')) return null;
  const regie = await scope.tx.selectFrom('regies').select(['name', 'online_partial']).where('id', '=', regieId).executeTakeFirst();
  if (!regie) return null;
  const rows = await scope.tx
    .selectFrom('payment_channels')
    .select(['id', 'provider', 'mode', 'merchant_id', 'endpoint', 'enabled', 'sealed_keys'])
    .where('regie_id', '=', regieId)
    .orderBy('provider')
    .execute();
  return {
    regieName: regie.name,
    partialAllowed: regie.online_partial,
    channels: rows.map((row) => ({
      id: row.id,
      provider: row.provider,
      mode: row.mode,
      merchantId: row.merchant_id,
      endpoint: row.endpoint,
      enabled: row.enabled,
      keysStored: Object.keys(channelOf(row, secrets).keys ?? {}) as ChannelSetup['keysStored'],
    })),
  };
}

/** Each provider's merchant id, its default address, and whether it signs with keys. */
export const PROVIDER_RULES: Record<ProviderKind, { merchantId: RegExp; endpoint: string; keys: boolean }> = {
  payfip: { merchantId: /^\d{6}$/, endpoint: 'https://www.payfip.gouv.fr', keys: false },
  tipi: { merchantId: /^\d{6}$/, endpoint: 'https://www.payfip.gouv.fr', keys: false },
  systempay: { merchantId: /^\d{8}$/, endpoint: 'https://paiement.systempay.fr/vads-payment/', keys: true },
  payzen: { merchantId: /^\d{8}$/, endpoint: 'https://secure.payzen.eu/vads-payment/', keys: true },
};

export interface ChannelForm {
  provider?: string;
  mode?: string;
  merchantId?: string;
  endpoint?: string;
  testKey?: string;
  productionKey?: string;
  enabled?: boolean;
}

export type ChannelField = keyof Omit<ChannelForm, 'enabled'>;
export type ChannelError = FieldError | 'merchantId' | 'endpoint' | 'keyMissing';

/**
 * Staff's form for a channel: the provider's merchant id in its format, an https address (http only
 * in test mode, for a local simulator), and the key of the mode chosen when the provider signs and
 * none is stored. Keys typed replace the stored ones; left empty, they are kept.
 */
export async function saveChannelForm(
  scope: Scope,
  regieId: string,
  form: ChannelForm,
  secrets: ChannelSecrets,
): Promise<
  { kind: 'saved'; id: string } | { kind: 'invalid'; errors: Partial<Record<ChannelField, ChannelError>> } | { kind: 'forbidden' } | { kind: 'not_found' }
> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const setup = await onlinePaymentSetup(scope, regieId, secrets);
  if (!setup) return { kind: 'not_found' };
  const errors: Partial<Record<ChannelField, ChannelError>> = {};
  const provider = PROVIDERS.find((candidate) => candidate === form.provider);
  if (!provider) errors.provider = 'choice';
  const mode = (['test', 'production'] as const).find((candidate) => candidate === form.mode);
  if (!mode) errors.mode = 'choice';
  const merchantId = required(form.merchantId, 20);
  if (!merchantId.ok) errors.merchantId = merchantId.error;
  else if (provider && !PROVIDER_RULES[provider].merchantId.test(merchantId.value)) errors.merchantId = 'merchantId';
  const endpoint = optional(form.endpoint, 300);
  const address = endpoint.ok ? (endpoint.value ?? (provider ? PROVIDER_RULES[provider].endpoint : '')) : '';
  if (!endpoint.ok) errors.endpoint = endpoint.error;
  else if (!validEndpoint(address, mode)) errors.endpoint = 'endpoint';
  const keys: { test?: string; production?: string } = {};
  for (const [field, keyMode] of [
    ['testKey', 'test'],
    ['productionKey', 'production'],
  ] as const) {
    const key = optional(form[field], 200);
    if (!key.ok) errors[field] = key.error;
    else if (key.value) keys[keyMode] = key.value;
  }
  const stored = setup.channels.find((channel) => channel.provider === provider)?.keysStored ?? [];
  if (provider && mode && PROVIDER_RULES[provider].keys && !keys[mode] && !stored.includes(mode))
    errors[mode === 'test' ? 'testKey' : 'productionKey'] = 'keyMissing';
  if (Object.keys(errors).length > 0 || !provider || !mode || !merchantId.ok) return { kind: 'invalid', errors };
  return saveChannel(scope, regieId, { provider, mode, merchantId: merchantId.value, endpoint: address, keys, enabled: form.enabled ?? true }, secrets);
}

function validEndpoint(address: string, mode: ChannelMode | undefined): boolean {
  try {
    const url = new URL(address);
    return url.protocol === 'https:' || (url.protocol === 'http:' && mode === 'test');
  } catch {
    return false;
  }
}

/** Whether the régie lets families pay part of an invoice online: administrators only. */
export async function setPartialPayments(scope: Scope, regieId: string, allowed: boolean): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.administer')) return 'forbidden';
  const updated = await scope.tx.updateTable('regies').set({ online_partial: allowed }).where('id', '=', regieId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return 'not_found';
  await recordAudit(scope, { action: 'regie.online_partial', objectType: 'regie', objectId: regieId, details: { allowed } });
  return 'done';
}
