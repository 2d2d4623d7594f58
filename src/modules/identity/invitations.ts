import { randomInt } from 'node:crypto';
import { recordAudit } from '../audit/audit-log.js';
import { queueEmail } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { issueToken, TOKEN_LIFETIME_MS } from './account-tokens.js';
import { composeSecretEmail, type SecretMailContext } from '../notifications/compose-email.js';
import { hashPassword } from './passwords.js';

/**
 * Gives a new account its first access, as the tenant chose: an email with a single-use link to
 * choose a password (default), or an email with a temporary password to change at first login.
 */
export async function sendFirstAccess(scope: Scope, accountId: string, settings: TenantSettings, mail: SecretMailContext): Promise<void> {
  const account = await scope.tx.selectFrom('accounts').select(['email', 'display_name']).where('id', '=', accountId).executeTakeFirstOrThrow();
  const to = { address: account.email, name: account.display_name };
  if (settings.firstAccess === 'temporary_password') {
    const password = temporaryPassword();
    await scope.tx
      .updateTable('accounts')
      .set({ password_hash: await hashPassword(password), must_change_password: true, status: 'active' })
      .where('id', '=', accountId)
      .execute();
    await queueEmail(
      scope,
      composeSecretEmail(
        mail,
        to,
        'mail.temporaryPassword.subject',
        'mail.temporaryPassword.body',
        {
          email: account.email,
          link: `${mail.baseUrl}${PAGES.login}`,
        },
        { password },
      ),
    );
  } else {
    await queueEmail(
      scope,
      composeSecretEmail(
        mail,
        to,
        'mail.invitation.subject',
        'mail.invitation.body',
        {
          email: account.email,
          days: Math.round(TOKEN_LIFETIME_MS.invitation / (24 * 60 * 60_000)),
        },
        { link: await invitationLink(scope, accountId, mail.baseUrl) },
      ),
    );
  }
  await recordAudit(scope, { action: 'account.invited', objectType: 'account', objectId: accountId, details: { mode: settings.firstAccess ?? 'invitation' } });
}

/** A new single-use link by which the account chooses its password; earlier links stop working. */
export async function invitationLink(scope: Scope, accountId: string, baseUrl: string): Promise<string> {
  const token = await issueToken(scope.tx, scope.tenantId, accountId, 'invitation', scope.now);
  return `${baseUrl}${pagePath(PAGES.invitation, { token })}`;
}

/** Twelve characters that meet the password rules and avoid look-alikes (0/O, 1/l/I). */
export function temporaryPassword(): string {
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const lower = 'abcdefghijkmnopqrstuvwxyz';
  const digits = '23456789';
  const all = upper + lower + digits;
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(upper), pick(lower), pick(digits), ...Array.from({ length: 9 }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
