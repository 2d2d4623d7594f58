import { sql, type SqlBool } from 'kysely';
import type { Scope } from '../scope.js';
import { normalizeEmail } from './accounts.js';
import { MAX_ALTCHA_LEVEL } from './altcha.js';

const MINUTE = 60_000;

/**
 * Failed logins slow down whoever makes them, never the account's owner at another address.
 * They are counted in three buckets, each forgetting one failure every `leakMs` after its last
 * one, so that a slip now and then never adds up to a refusal:
 * - one account from one address: from the 5th failure that address is refused on that account
 *   for a minute, doubling with each further failure up to an hour;
 * - one account from anywhere: never refused, so that its owner always gets in; from the 3rd
 *   failure every attempt on it carries a proof of work, twice as long every 5 failures more, which
 *   makes guessing from many addresses at once expensive;
 * - one address on any account: a whole school or office may sit behind one, hence ten times the
 *   margin before a proof, then a refusal.
 * A success clears its address's count on the account; a password reset clears the account's.
 */
export const THROTTLE = {
  accountAddress: { refuseFrom: 5, leakMs: 15 * MINUTE },
  account: { proofFrom: 3, harderEvery: 5, leakMs: 15 * MINUTE },
  address: { proofFrom: 30, refuseFrom: 50, leakMs: 5 * MINUTE },
  firstRefusalMs: MINUTE,
  maxRefusalMs: 60 * MINUTE,
  /** Rows untouched for this long have leaked to nothing, in every bucket: they can go. */
  purgeAfterMs: 24 * 60 * MINUTE,
} as const;

/** Past these counts nothing changes any more: capping them keeps a flood from taking days to leak. */
const CEILINGS = {
  accountAddress: THROTTLE.accountAddress.refuseFrom + Math.ceil(Math.log2(THROTTLE.maxRefusalMs / THROTTLE.firstRefusalMs)),
  account: THROTTLE.account.proofFrom + THROTTLE.account.harderEvery * MAX_ALTCHA_LEVEL,
  address: THROTTLE.address.refuseFrom + Math.ceil(Math.log2(THROTTLE.maxRefusalMs / THROTTLE.firstRefusalMs)),
} as const;

type Bucket = keyof typeof CEILINGS;

/** The rows of one login attempt (`login_failures.key`); no address, no per-address buckets. */
export type ThrottleKeys = Record<Bucket, string | null> & { account: string };

/** What an attempt from this address on this account faces now. */
export interface LoginGate {
  /** Milliseconds before this address may try this account again; 0 when it may now. */
  retryAfterMs: number;
  /** How hard a proof of work the attempt must carry (0 the usual one), or null when it needs none. */
  proofLevel: number | null;
}

/**
 * `address` is the client's as the rate limiter sees it (request.ip: the proxy's X-Forwarded-For
 * when TRUST_PROXY is set). The email is URI-encoded, so that no typed text, spaces included, can
 * spell the key of another bucket.
 */
export function throttleKeys(email: string, address: string | null): ThrottleKeys {
  const account = `account:${encodeURIComponent(normalizeEmail(email))}`;
  return {
    account,
    accountAddress: address ? `${account} address:${address}` : null,
    address: address ? `address:${address}` : null,
  };
}

/** The failures a bucket still holds `ageMs` after its last one. */
export function remainingFailures(failures: number, ageMs: number, leakMs: number): number {
  return Math.max(0, failures - Math.floor(ageMs / leakMs));
}

/** How long `failures` refuse their address, counted from the last one. */
export function refusalMs(failures: number, refuseFrom: number): number {
  if (failures < refuseFrom) return 0;
  return Math.min(THROTTLE.firstRefusalMs * 2 ** (failures - refuseFrom), THROTTLE.maxRefusalMs);
}

/** The proof asked for, given the failures left on the account and from the address. */
export function proofLevel(accountFailures: number, addressFailures: number): number | null {
  const { account, address } = THROTTLE;
  if (accountFailures >= account.proofFrom) return Math.min(MAX_ALTCHA_LEVEL, Math.floor((accountFailures - account.proofFrom) / account.harderEvery));
  return addressFailures >= address.proofFrom ? 0 : null;
}

export async function loginGate(scope: Scope, keys: ThrottleKeys): Promise<LoginGate> {
  const present = [keys.account, keys.accountAddress, keys.address].filter((key) => key !== null);
  const rows = await scope.tx
    .selectFrom('login_failures')
    .select(['key', 'failures', 'last_failure_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('key', 'in', present)
    .execute();
  const bucket = (key: string | null) => {
    const row = rows.find((candidate) => candidate.key === key);
    return row ? { failures: row.failures, ageMs: scope.now.getTime() - row.last_failure_at.getTime() } : { failures: 0, ageMs: 0 };
  };
  const refusalLeft = (key: string | null, refuseFrom: number) => {
    const { failures, ageMs } = bucket(key);
    return Math.max(0, refusalMs(failures, refuseFrom) - ageMs);
  };
  const left = (key: string | null, leakMs: number) => {
    const { failures, ageMs } = bucket(key);
    return remainingFailures(failures, ageMs, leakMs);
  };
  return {
    retryAfterMs: Math.max(refusalLeft(keys.accountAddress, THROTTLE.accountAddress.refuseFrom), refusalLeft(keys.address, THROTTLE.address.refuseFrom)),
    proofLevel: proofLevel(left(keys.account, THROTTLE.account.leakMs), left(keys.address, THROTTLE.address.leakMs)),
  };
}

/**
 * Adds a failure to each bucket, once the failures it has forgotten since its last one are taken
 * off (remainingFailures, here in SQL: two failures at once both count).
 */
export async function recordLoginFailure(scope: Scope, keys: ThrottleKeys): Promise<void> {
  await purgeForgotten(scope);
  for (const bucket of Object.keys(CEILINGS) as Bucket[]) {
    const key = keys[bucket];
    if (!key) continue;
    const { leakMs } = THROTTLE[bucket];
    const elapsedMs = sql`extract(epoch from ${scope.now}::timestamptz - login_failures.last_failure_at) * 1000`;
    await scope.tx
      .insertInto('login_failures')
      .values({ tenant_id: scope.tenantId, key, failures: 1, last_failure_at: scope.now })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'key']).doUpdateSet({
          failures: sql<number>`least(${CEILINGS[bucket]}, greatest(0, login_failures.failures - floor(${elapsedMs} / ${leakMs})) + 1)::int`,
          last_failure_at: scope.now,
        }),
      )
      .execute();
  }
}

/**
 * A success from an address forgives that address's failures on the account. The account's own
 * count stays: other addresses may have made it, and it leaks away by itself.
 */
export async function clearAddressFailures(scope: Scope, keys: ThrottleKeys): Promise<void> {
  if (!keys.accountAddress) return;
  await scope.tx.deleteFrom('login_failures').where('tenant_id', '=', scope.tenantId).where('key', '=', keys.accountAddress).execute();
}

/** A password reset proves the mailbox: every count on the account goes, from every address. */
export async function clearAccountFailures(scope: Scope, email: string): Promise<void> {
  const { account } = throttleKeys(email, null);
  await scope.tx
    .deleteFrom('login_failures')
    .where('tenant_id', '=', scope.tenantId)
    .where((eb) => eb.or([eb('key', '=', account), sql<SqlBool>`starts_with(key, ${`${account} address:`})`]))
    .execute();
}

/** A few rows long forgotten go at each failure; rows another transaction is purging are skipped. */
async function purgeForgotten(scope: Scope): Promise<void> {
  const before = new Date(scope.now.getTime() - THROTTLE.purgeAfterMs);
  await scope.tx
    .deleteFrom('login_failures')
    .where('tenant_id', '=', scope.tenantId)
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('login_failures')
        .select('key')
        .where('tenant_id', '=', scope.tenantId)
        .where('last_failure_at', '<', before)
        .limit(100)
        .forUpdate()
        .skipLocked(),
    )
    .execute();
}
