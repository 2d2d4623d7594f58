import type { Tx } from '../../db/tenant-scope.js';
import { sessionAccountOf, type Session, type SessionOrigin } from './sessions.js';
import { hashToken, newSecretToken } from './secret-tokens.js';

/**
 * Bearer tokens of the families' JSON API (the phone app). A token is handed out by a login that
 * goes through the same throttling as the login page (login.ts), and only its hash is stored.
 * It ends after TOKEN_LIFETIME_MS whatever the use, after TOKEN_IDLE_MS without use, at logout,
 * when the account is disabled, and with every session of the account at a password change.
 */
export const API_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const API_TOKEN_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/** last_used_at is written at most this often, so reading does not write on every call. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export async function issueApiToken(
  tx: Tx,
  tenantId: string,
  accountId: string,
  now: Date,
  origin: SessionOrigin,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(now.getTime() + API_TOKEN_LIFETIME_MS);
  await tx
    .insertInto('api_tokens')
    .values({
      token_hash: hash,
      tenant_id: tenantId,
      account_id: accountId,
      created_at: now,
      last_used_at: now,
      expires_at: expiresAt,
      ip: origin.ip,
      user_agent: origin.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, expiresAt };
}

/**
 * The account behind a bearer token, as a session (so the request acts as that account exactly as a
 * page would), or null if the token is unknown, expired, idle too long, or its account disabled.
 */
export async function findApiToken(tx: Tx, token: string, now: Date): Promise<Session | null> {
  const tokenHash = hashToken(token);
  const row = await tx
    .selectFrom('api_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select([
      't.last_used_at',
      't.expires_at',
      'a.id',
      'a.kind',
      'a.staff_role',
      'a.household_id',
      'a.display_name',
      'a.email',
      'a.must_change_password',
      'a.status',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status !== 'active' || now.getTime() > row.last_used_at.getTime() + API_TOKEN_IDLE_MS || now >= row.expires_at) {
    await tx.deleteFrom('api_tokens').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  if (now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await tx.updateTable('api_tokens').set({ last_used_at: now }).where('token_hash', '=', tokenHash).execute();
  }
  return {
    tokenHash,
    awaitingSecondFactor: false,
    account: sessionAccountOf(row),
  };
}

export async function revokeApiToken(tx: Tx, token: string): Promise<void> {
  await tx.deleteFrom('api_tokens').where('token_hash', '=', hashToken(token)).execute();
}
