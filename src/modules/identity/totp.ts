import { Secret, TOTP } from 'otpauth';
import type { Config } from '../../config.js';
import type { Tx } from '../../db/tenant-scope.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { SealedBox } from '../security/sealed-box.js';
import { verifyPassword } from './passwords.js';

/**
 * Optional TOTP two-factor authentication of staff accounts (RFC 6238: 6 digits, 30-second steps,
 * SHA-1, what every authenticator app reads from a QR code). A code is accepted for the current
 * step and the one before or after (clocks of phones drift), and never twice.
 */

export type TotpSettings = Pick<Config, 'secret'>;

/** What an authenticator app needs: the key to type by hand, and the otpauth:// URI of the QR code. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
}

export interface TotpStatus {
  enabledAt: Date | null;
  /** The secret waiting for its first code, while enabling. */
  enrolment: TotpEnrolment | null;
}

const WINDOW = 1;
const SECRET_BYTES = 20;

/** The secret is sealed at rest, bound to its account (security/sealed-box.ts). */
function boxOf(settings: TotpSettings): SealedBox {
  return new SealedBox(settings.secret, 'totp secret encryption');
}

function totpOf(base32: string, issuer = '', label = ''): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(base32) });
}

/** Two-factor authentication is for staff, on their own account. */
function ownStaffAccount(scope: Scope): string {
  if (scope.actor.kind !== 'staff') throw new Error('two-factor authentication is managed by the staff member themself');
  return scope.actor.accountId;
}

async function accountRow(tx: Tx, accountId: string) {
  return tx
    .selectFrom('accounts as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select(['a.id', 'a.email', 'a.password_hash', 'a.totp_secret', 'a.totp_enabled_at', 'a.totp_last_step', 't.name as tenant_name'])
    .where('a.id', '=', accountId)
    .executeTakeFirstOrThrow();
}

type AccountRow = Awaited<ReturnType<typeof accountRow>>;

function enrolmentOf(settings: TotpSettings, account: AccountRow): TotpEnrolment | null {
  if (!account.totp_secret) return null;
  const secret = boxOf(settings).open(account.totp_secret, account.id);
  // The app lists the account under the authority's name and the email used to log in.
  return { secret, uri: totpOf(secret, account.tenant_name, account.email).toString() };
}

export async function totpStatus(scope: Scope, settings: TotpSettings): Promise<TotpStatus> {
  const account = await accountRow(scope.tx, ownStaffAccount(scope));
  return { enabledAt: account.totp_enabled_at, enrolment: account.totp_enabled_at ? null : enrolmentOf(settings, account) };
}

/** Draws a new secret for the actor's account; it takes effect only once a code from it is given. */
export async function startTotpEnrolment(scope: Scope, settings: TotpSettings): Promise<void> {
  const accountId = ownStaffAccount(scope);
  const secret = new Secret({ size: SECRET_BYTES }).base32;
  await scope.tx
    .updateTable('accounts')
    .set({ totp_secret: boxOf(settings).seal(secret, accountId), totp_last_step: null })
    .where('id', '=', accountId)
    .where('totp_enabled_at', 'is', null)
    .execute();
}

/** Turns two-factor authentication on, if `code` comes from the secret being enrolled. */
export async function enableTotp(scope: Scope, settings: TotpSettings, code: string): Promise<'enabled' | 'wrongCode'> {
  const account = await accountRow(scope.tx, ownStaffAccount(scope));
  if (account.totp_enabled_at || !(await acceptCode(scope.tx, settings, account, code, scope.now))) return 'wrongCode';
  await scope.tx.updateTable('accounts').set({ totp_enabled_at: scope.now }).where('id', '=', account.id).execute();
  await recordAudit(scope, { action: 'account.totp_enabled', objectType: 'account', objectId: account.id });
  return 'enabled';
}

/**
 * Turns two-factor authentication off, given a current code or, for whoever lost their phone, the
 * account's password (a password is never 6 digits: it needs letters). The password hash is checked
 * inside the transaction: a rare action, unlike login.
 */
export async function disableTotp(scope: Scope, settings: TotpSettings, proof: string): Promise<'disabled' | 'wrongProof'> {
  const account = await accountRow(scope.tx, ownStaffAccount(scope));
  if (!account.totp_enabled_at) return 'disabled';
  const code = normalizeCode(proof);
  const byCode = isCodeShaped(code);
  const accepted = byCode ? await acceptCode(scope.tx, settings, account, code, scope.now) : await verifyPassword(account.password_hash, proof);
  if (!accepted) return 'wrongProof';
  await scope.tx.updateTable('accounts').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', account.id).execute();
  await recordAudit(scope, { action: 'account.totp_disabled', objectType: 'account', objectId: account.id, details: { proof: byCode ? 'code' : 'password' } });
  return 'disabled';
}

/** For the second login step: true when `code` is a fresh, valid code of the account's enabled secret. */
export async function checkTotpCode(tx: Tx, settings: TotpSettings, accountId: string, code: string, now: Date): Promise<boolean> {
  const account = await accountRow(tx, accountId);
  return account.totp_enabled_at !== null && acceptCode(tx, settings, account, code, now);
}

/** Whether a login with the right password must still give a code: the session then opens awaiting it. */
export async function requiresSecondFactor(tx: Tx, accountId: string): Promise<boolean> {
  const row = await tx.selectFrom('accounts').select('totp_enabled_at').where('id', '=', accountId).executeTakeFirst();
  return Boolean(row?.totp_enabled_at);
}

/** Six digits, spaces allowed (apps show "123 456"). */
export function normalizeCode(input: string): string {
  return input.replace(/\s+/g, '');
}

export function isCodeShaped(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/**
 * Accepts a code valid for a step later than the last accepted one, and records that step. Two
 * requests racing with the same code both pass validation; the conditional update lets only one
 * of them move the step forward.
 */
async function acceptCode(tx: Tx, settings: TotpSettings, account: AccountRow, code: string, now: Date): Promise<boolean> {
  if (!account.totp_secret || !isCodeShaped(code)) return false;
  const totp = totpOf(boxOf(settings).open(account.totp_secret, account.id));
  const timestamp = now.getTime();
  const delta = totp.validate({ token: code, timestamp, window: WINDOW });
  if (delta === null) return false;
  const step = totp.counter({ timestamp }) + delta;
  const moved = await tx
    .updateTable('accounts')
    .set({ totp_last_step: step })
    .where('id', '=', account.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return moved.numUpdatedRows > 0n;
}
