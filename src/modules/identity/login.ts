import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import type { AccountKind } from './identity.tables.js';
import { actorOfAccount, normalizeEmail } from './accounts.js';
import { clearAddressFailures, loginGate, recordLoginFailure, throttleKeys, type LoginGate } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import { openSession, type SessionOrigin } from './sessions.js';

/** Runs work in a short transaction of the request's tenant (request.inScope). */
export type InScope = <T>(work: (scope: Scope) => Promise<T>) => Promise<T>;

export interface LoginInput {
  email: string;
  password: string;
  /** `origin.ip`: the client's address as the rate limiter sees it; failures are counted per account and address. */
  origin: SessionOrigin;
  previousSessionToken?: string | undefined;
  /** The page's language, remembered for the emails sent to this account later. */
  locale: 'fr' | 'en';
  /** Checks the anti-robot solution sent with the form, at least as hard as `level`; called only when one is required. */
  verifyAltcha: (scope: Scope, level: number) => Promise<boolean>;
  /**
   * How the signed-in account is remembered: a cookie session by default; the families' JSON API
   * hands out a bearer token instead (api-tokens.ts). Returns the token given back to the caller.
   */
  remember?: (scope: Scope, accountId: string) => Promise<string>;
}

export type LoginResult =
  | { kind: 'success'; sessionToken: string; accountKind: AccountKind; awaitingSecondFactor: boolean }
  /**
   * A wrong email or password; or, before either was looked at, an address refused for a while or
   * a proof of work missing. `next`: what the next attempt from this address faces.
   */
  | { kind: 'invalid' | 'throttled' | 'proof_required'; next: LoginGate };

/**
 * Checks a login. The answer never tells whether the email exists. The password hash is checked
 * between two short transactions, so the slow hash never holds a database connection.
 */
export async function login(inScope: InScope, input: LoginInput): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  const keys = throttleKeys(email, input.origin.ip);

  const before = await inScope(async (scope) => {
    const gate = await loginGate(scope, keys);
    if (gate.retryAfterMs > 0) return { done: true as const, result: { kind: 'throttled', next: gate } as LoginResult };
    if (gate.proofLevel !== null && !(await input.verifyAltcha(scope, gate.proofLevel))) {
      return { done: true as const, result: { kind: 'proof_required', next: gate } as LoginResult };
    }
    const account = await scope.tx
      .selectFrom('accounts')
      .select(['id', 'kind', 'staff_role', 'household_id', 'display_name', 'password_hash', 'status', 'totp_enabled_at'])
      .where('email', '=', email)
      .executeTakeFirst();
    return { done: false as const, account };
  });
  if (before.done) return before.result;

  const { account } = before;
  const passwordOk = await verifyPassword(account?.password_hash ?? null, input.password);

  return inScope(async (scope) => {
    if (!account || !passwordOk || account.status !== 'active') {
      await recordLoginFailure(scope, keys);
      return { kind: 'invalid', next: await loginGate(scope, keys) };
    }
    await clearAddressFailures(scope, keys);
    await scope.tx.updateTable('accounts').set({ last_login_at: scope.now, locale: input.locale }).where('id', '=', account.id).execute();
    const awaitingSecondFactor = account.totp_enabled_at !== null;
    const sessionToken = input.remember
      ? await input.remember(scope, account.id)
      : await openSession(scope.tx, scope.tenantId, account.id, scope.now, input.origin, {
          previousToken: input.previousSessionToken,
          awaitingSecondFactor,
        });
    await recordAudit(
      { ...scope, actor: actorOfAccount(account) },
      { action: 'account.login', objectType: 'account', objectId: account.id, ip: input.origin.ip },
    );
    return { kind: 'success', sessionToken, accountKind: account.kind, awaitingSecondFactor };
  });
}
