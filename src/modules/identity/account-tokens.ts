import type { Tx } from '../../db/tenant-scope.js';
import type { TokenPurpose } from './identity.tables.js';
import { hashToken, newSecretToken } from './secret-tokens.js';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  invitation: 14 * 24 * 60 * 60_000,
  password_reset: 60 * 60_000,
};

/** Issues a single-use link token; earlier unused tokens of the same purpose stop working. */
export async function issueToken(tx: Tx, tenantId: string, accountId: string, purpose: TokenPurpose, now: Date): Promise<string> {
  await tx
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  const { token, hash } = newSecretToken();
  await tx
    .insertInto('account_tokens')
    .values({
      token_hash: hash,
      tenant_id: tenantId,
      account_id: accountId,
      purpose,
      created_at: now,
      expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
    })
    .execute();
  return token;
}

/** The account a still-valid token opens, without using it (to greet the person on the form). */
export async function peekToken(tx: Tx, token: string, purpose: TokenPurpose, now: Date) {
  return tx
    .selectFrom('account_tokens as k')
    .innerJoin('accounts as a', 'a.id', 'k.account_id')
    .select(['a.id', 'a.email', 'a.display_name'])
    .where('k.token_hash', '=', hashToken(token))
    .where('k.purpose', '=', purpose)
    .where('k.used_at', 'is', null)
    .where('k.expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses the token once: of two simultaneous uses only one gets the account id. */
export async function consumeToken(tx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<string | null> {
  const row = await tx
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id ?? null;
}
