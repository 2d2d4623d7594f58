import { may } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { SealedBox } from '../security/sealed-box.js';
import type { ChannelMode, PaymentChannelsTable, ProviderKind } from './online-payment.tables.js';
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
}

/** The enabled channels of the régies given, in a stable order. */
export async function channelsOfRegies(scope: Scope, regieIds: string[]): Promise<ChannelChoice[]> {
  if (regieIds.length === 0) return [];
  const rows = await scope.tx
    .selectFrom('payment_channels')
    .select(['id', 'regie_id', 'provider', 'mode'])
    .where('regie_id', 'in', regieIds)
    .where('enabled', '=', true)
    .orderBy('provider')
    .execute();
  return rows.map((row) => ({ id: row.id, regieId: row.regie_id, provider: row.provider, mode: row.mode }));
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
