import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { hashToken } from './secret-tokens.js';
import { closeSession, markSecondFactorGiven } from './sessions.js';
import { checkTotpCode, type TotpSettings } from './totp.js';

/**
 * After this many wrong codes the session ends and the password must be given again. Failures are
 * counted per account, not per session, and forgotten after a while or at the first right code: once
 * the limit is reached, each new login gets a single try until then, so a stolen password alone
 * does not let anyone work through the million codes.
 */
export const SECOND_FACTOR_MAX_FAILURES = 5;
const FORGET_FAILURES_AFTER_MS = 15 * 60 * 1000;

export type SecondFactorOutcome = 'accepted' | 'wrongCode' | 'sessionEnded';

/** The second login step of a session opened awaiting a code (`token`: its cookie; `ip`: for the audit log). */
export async function giveSecondFactor(
  scope: Scope,
  settings: TotpSettings,
  session: { token: string; accountId: string; ip: string | null },
  code: string,
): Promise<SecondFactorOutcome> {
  const key = `second-factor:${session.accountId}`;
  if (await checkTotpCode(scope.tx, settings, session.accountId, code, scope.now)) {
    await markSecondFactorGiven(scope.tx, hashToken(session.token));
    await scope.tx.deleteFrom('login_failures').where('tenant_id', '=', scope.tenantId).where('key', '=', key).execute();
    return 'accepted';
  }
  const forgetBefore = new Date(scope.now.getTime() - FORGET_FAILURES_AFTER_MS);
  const { failures } = await scope.tx
    .insertInto('login_failures')
    .values({ tenant_id: scope.tenantId, key, failures: 1, last_failure_at: scope.now })
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'key']).doUpdateSet({
        failures: sql`case when login_failures.last_failure_at < ${forgetBefore} then 1 else login_failures.failures + 1 end`,
        last_failure_at: scope.now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  if (failures < SECOND_FACTOR_MAX_FAILURES) return 'wrongCode';
  // The server forgets the session: the cookie left in the browser opens nothing any more.
  await closeSession(scope.tx, session.token);
  await recordAudit(scope, {
    action: 'account.second_factor_failed',
    objectType: 'account',
    objectId: session.accountId,
    details: { failures },
    ip: session.ip,
  });
  return 'sessionEnded';
}
