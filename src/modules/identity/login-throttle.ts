import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';

/**
 * Failed logins slow down whoever makes them, per account and per network address:
 * from the 3rd failure on an account the anti-robot check is required; from the 5th the account
 * is locked for a minute, doubling with each further failure up to an hour. An address behind
 * which a whole school or office may sit gets ten times the margin. A success clears the account's
 * count; counts older than a day are forgotten.
 */
export const THROTTLE = {
  account: { altchaFrom: 3, lockFrom: 5 },
  address: { altchaFrom: 30, lockFrom: 50 },
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
} as const;

export interface ThrottleKeys {
  account: string;
  address: string | null;
}

export interface ThrottleState {
  /** Milliseconds before another attempt is even looked at; 0 when allowed now. */
  lockedForMs: number;
  altchaRequired: boolean;
}

export function throttleKeys(email: string, address: string | null): ThrottleKeys {
  return { account: `account:${email.trim().toLowerCase()}`, address: address ? `address:${address}` : null };
}

export function lockDurationMs(failures: number, lockFrom: number): number {
  if (failures < lockFrom) return 0;
  return Math.min(THROTTLE.firstLockMs * 2 ** (failures - lockFrom), THROTTLE.maxLockMs);
}

export async function throttleState(tx: Tx, keys: ThrottleKeys, now: Date): Promise<ThrottleState> {
  const rows = await tx
    .selectFrom('login_failures')
    .select(['key', 'failures', 'last_failure_at'])
    .where('key', 'in', [keys.account, ...(keys.address ? [keys.address] : [])])
    .execute();
  let lockedForMs = 0;
  let altchaRequired = false;
  for (const row of rows) {
    const age = now.getTime() - row.last_failure_at.getTime();
    if (age > THROTTLE.forgetAfterMs) continue;
    const limits = row.key === keys.account ? THROTTLE.account : THROTTLE.address;
    lockedForMs = Math.max(lockedForMs, lockDurationMs(row.failures, limits.lockFrom) - age);
    altchaRequired ||= row.failures >= limits.altchaFrom;
  }
  return { lockedForMs: Math.max(0, lockedForMs), altchaRequired };
}

export async function recordLoginFailure(tx: Tx, tenantId: string, keys: ThrottleKeys, now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - THROTTLE.forgetAfterMs);
  for (const key of [keys.account, keys.address]) {
    if (!key) continue;
    await tx
      .insertInto('login_failures')
      .values({ tenant_id: tenantId, key, failures: 1, last_failure_at: now })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'key']).doUpdateSet({
          failures: sql`case when login_failures.last_failure_at < ${forgetBefore} then 1 else login_failures.failures + 1 end`,
          last_failure_at: now,
        }),
      )
      .execute();
  }
}

export async function clearLoginFailures(tx: Tx, keys: ThrottleKeys): Promise<void> {
  await tx.deleteFrom('login_failures').where('key', '=', keys.account).execute();
}
