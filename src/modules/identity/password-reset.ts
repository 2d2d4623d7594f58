import { recordAudit } from '../audit/audit-log.js';
import { queueEmail } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { PAGES, pagePath } from '../page-paths.js';
import { normalizeEmail } from './accounts.js';
import { consumeToken, issueToken, peekToken } from './account-tokens.js';
import { composeSecretEmail, type SecretMailContext } from '../notifications/compose-email.js';
import { clearAccountFailures } from './login-throttle.js';
import { hashPassword, newPasswordProblems, type PasswordProblem } from './passwords.js';
import { closeOtherSessions } from './sessions.js';

/**
 * Sends a reset link if the email belongs to an active or invited account of the tenant; the caller
 * shows the same answer either way, so nobody learns which addresses have an account.
 */
export async function requestPasswordReset(scope: Scope, rawEmail: string, mail: SecretMailContext): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const account = await scope.tx
    .selectFrom('accounts')
    .select(['id', 'display_name'])
    .where('email', '=', email)
    .where('status', '!=', 'disabled')
    .executeTakeFirst();
  if (!account) return;
  const token = await issueToken(scope.tx, scope.tenantId, account.id, 'password_reset', scope.now);
  await queueEmail(
    scope,
    composeSecretEmail(
      mail,
      { address: email, name: account.display_name },
      'mail.reset.subject',
      'mail.reset.body',
      {},
      {
        link: `${mail.baseUrl}${pagePath(PAGES.passwordReset, { token })}`,
      },
    ),
  );
  await recordAudit(scope, { action: 'account.password_reset_requested', objectType: 'account', objectId: account.id });
}

export type SetPasswordResult = { ok: true; accountId: string } | { ok: false; problems: PasswordProblem[] } | { ok: false; invalidLink: true };

/**
 * Uses a reset or invitation link once to set the password, which must differ from the account's
 * current one if it has any; the account becomes active, and the failed logins counted on it are
 * forgotten (whoever holds the link holds the mailbox). A refused password leaves the link usable.
 */
export async function setPasswordWithToken(
  scope: Scope,
  token: string,
  purpose: 'password_reset' | 'invitation',
  password: string,
  personal: string[],
): Promise<SetPasswordResult> {
  const holder = await peekToken(scope.tx, token, purpose, scope.now);
  if (!holder) return { ok: false, invalidLink: true };
  // Whoever holds the link may replace the password anyway: comparing with the current one is safe here.
  const current = await scope.tx.selectFrom('accounts').select('password_hash').where('id', '=', holder.id).executeTakeFirstOrThrow();
  const problems = await newPasswordProblems(password, personal, current.password_hash);
  if (problems.length > 0) return { ok: false, problems };
  const passwordHash = await hashPassword(password);
  const accountId = await consumeToken(scope.tx, token, purpose, scope.now);
  if (!accountId) return { ok: false, invalidLink: true };
  await scope.tx
    .updateTable('accounts')
    .set({ password_hash: passwordHash, status: 'active', must_change_password: false, password_changed_at: scope.now })
    .where('id', '=', accountId)
    .where('status', '!=', 'disabled')
    .execute();
  await closeOtherSessions(scope.tx, accountId);
  await clearAccountFailures(scope, holder.email);
  await recordAudit(scope, { action: purpose === 'invitation' ? 'account.activated' : 'account.password_reset', objectType: 'account', objectId: accountId });
  return { ok: true, accountId };
}
