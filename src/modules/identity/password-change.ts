import { recordAudit } from '../audit/audit-log.js';
import { queueEmail } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { composeEmail, type MailContext } from '../notifications/compose-email.js';
import type { InScope } from './login.js';
import { hashPassword, newPasswordProblems, verifyPassword, type PasswordProblem } from './passwords.js';
import { closeOtherSessions } from './sessions.js';

export type ChangePasswordResult = { ok: true } | { ok: false; currentWrong?: boolean; problems: PasswordProblem[] };

/**
 * Changes the signed-in person's password: the current one is required, the new one must meet the
 * rules and differ from it; other sessions are closed and the owner is told by email (in case it was not them).
 */
export async function changePassword(
  inScope: InScope,
  input: { accountId: string; sessionTokenHash: string; current: string; next: string; mail: MailContext; formatDate: (d: Date) => string },
): Promise<ChangePasswordResult> {
  const account = await inScope((scope) =>
    scope.tx.selectFrom('accounts').select(['email', 'display_name', 'password_hash']).where('id', '=', input.accountId).executeTakeFirstOrThrow(),
  );
  const currentOk = await verifyPassword(account.password_hash, input.current);
  // Compared with the current password only once the person has proved they know it: otherwise
  // whoever holds the session could try guesses as the "new" password.
  const problems = await newPasswordProblems(input.next, [account.email.split('@')[0] ?? '', account.display_name], currentOk ? account.password_hash : null);
  if (!currentOk || problems.length > 0) return { ok: false, currentWrong: !currentOk, problems };
  const passwordHash = await hashPassword(input.next);
  await inScope(async (scope: Scope) => {
    await scope.tx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, must_change_password: false, password_changed_at: scope.now })
      .where('id', '=', input.accountId)
      .execute();
    await closeOtherSessions(scope.tx, input.accountId, input.sessionTokenHash);
    await queueEmail(
      scope,
      composeEmail(input.mail, { address: account.email, name: account.display_name }, 'mail.passwordChanged.subject', 'mail.passwordChanged.body', {
        date: input.formatDate(scope.now),
      }),
    );
    await recordAudit(scope, { action: 'account.password_changed', objectType: 'account', objectId: input.accountId });
  });
  return { ok: true };
}
