import { sql, type Kysely, type Selectable } from 'kysely';
import { BatchedLookup } from '../../db/batched-lookup.js';
import type { DB } from '../../db/schema.js';
import type { Tx } from '../../db/tenant-scope.js';
import type { AccountKind, AccountsTable, StaffRole } from './identity.tables.js';
import { personFullName } from '../person-name.js';
import { hashToken, newSecretToken } from './secret-tokens.js';

/** A session ends after this long whatever the activity. */
const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Under a long idle limit last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

/**
 * How long last_seen_at may go unwritten under an idle limit of `idleMs`. A request that skips the
 * write leaves the session this much closer to its end, so the interval must be a small part of the
 * limit: with a tenth, a session used at least every nine tenths of the limit never ends. (The
 * fixed minute alone ended a session used every 20 s under a one-minute limit.)
 */
function touchIntervalMs(idleMs: number): number {
  return Math.min(TOUCH_INTERVAL_MS, idleMs / 10);
}

export interface SessionAccount {
  id: string;
  kind: AccountKind;
  staffRole: StaffRole | null;
  householdId: string | null;
  displayName: string;
  email: string;
  mustChangePassword: boolean;
}

export interface Session {
  tokenHash: string;
  account: SessionAccount;
  awaitingSecondFactor: boolean;
}

export interface SessionOrigin {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Opens a new session for the account and ends `previousToken`'s, so a session id known before
 * login is worthless after it (rotation against fixation). Returns the cookie token.
 */
export async function openSession(
  tx: Tx,
  tenantId: string,
  accountId: string,
  now: Date,
  origin: SessionOrigin,
  options: { previousToken?: string | undefined; awaitingSecondFactor?: boolean } = {},
): Promise<string> {
  if (options.previousToken) await closeSession(tx, options.previousToken);
  const { token, hash } = newSecretToken();
  await tx
    .insertInto('sessions')
    .values({
      token_hash: hash,
      tenant_id: tenantId,
      account_id: accountId,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + ABSOLUTE_LIFETIME_MS),
      awaiting_second_factor: options.awaitingSecondFactor ?? false,
      ip: origin.ip,
      user_agent: origin.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

/** The sessions of these token hashes with their account, by hash, in one statement (any tenant: the caller checks). */
async function sessionRows(db: Kysely<DB>, tokenHashes: string[]) {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', (join) => join.onRef('a.id', '=', 's.account_id').onRef('a.tenant_id', '=', 's.tenant_id'))
    // A family account greets its guardian by the record's name, written the portal's one way.
    .leftJoin('persons as p', (join) => join.onRef('p.id', '=', 'a.person_id').onRef('p.tenant_id', '=', 'a.tenant_id'))
    .select([
      'p.first_name',
      'p.last_name',
      's.token_hash',
      's.tenant_id',
      's.last_seen_at',
      's.expires_at',
      's.awaiting_second_factor',
      'a.id',
      'a.kind',
      'a.staff_role',
      'a.household_id',
      'a.display_name',
      'a.email',
      'a.must_change_password',
      'a.status',
    ])
    // One array rather than a list of values: one statement text whatever the batch, prepared once (db/prepared-statements.ts).
    .where('s.token_hash', '=', sql<string>`any(${tokenHashes}::text[])`)
    .execute();
  return new Map(
    rows.map(({ first_name, last_name, ...row }) => [
      row.token_hash,
      { ...row, display_name: first_name !== null && last_name !== null ? personFullName({ first_name, last_name }) : row.display_name },
    ]),
  );
}

type SessionRow = Awaited<ReturnType<typeof sessionRows>> extends Map<string, infer Row> ? Row : never;

/**
 * Finds the live session behind a cookie token. Every request asks, so the look-ups of one turn of
 * the event loop are read in one statement (db/batched-lookup.ts) outside any transaction: `db` is
 * the owner's connection (no row-level security), and the tenant is checked here explicitly.
 */
export class SessionLookup {
  private readonly rows: BatchedLookup<string, SessionRow>;

  constructor(private readonly db: Kysely<DB>) {
    this.rows = new BatchedLookup((tokenHashes) => sessionRows(db, tokenHashes));
  }

  /** The live session behind `token` in the tenant, or null if unknown, another tenant's, expired, idle too long or disabled. */
  async find(tenantId: string, token: string, now: Date, idleMinutes: number): Promise<Session | null> {
    const tokenHash = hashToken(token);
    const row = await this.rows.get(tokenHash);
    if (!row || row.tenant_id !== tenantId) return null;
    const idleMs = idleMinutes * 60 * 1000;
    const sinceLastSeen = now.getTime() - row.last_seen_at.getTime();
    if (row.status !== 'active' || sinceLastSeen > idleMs || now >= row.expires_at) {
      await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).where('tenant_id', '=', tenantId).execute();
      return null;
    }
    if (sinceLastSeen > touchIntervalMs(idleMs)) {
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).where('tenant_id', '=', tenantId).execute();
    }
    return {
      tokenHash,
      awaitingSecondFactor: row.awaiting_second_factor,
      account: sessionAccountOf(row),
    };
  }
}

/** The account a session or an API token acts as, from its row. */
export function sessionAccountOf(
  row: Pick<Selectable<AccountsTable>, 'id' | 'kind' | 'staff_role' | 'household_id' | 'display_name' | 'email' | 'must_change_password'>,
): SessionAccount {
  return {
    id: row.id,
    kind: row.kind,
    staffRole: row.staff_role,
    householdId: row.household_id,
    displayName: row.display_name,
    email: row.email,
    mustChangePassword: row.must_change_password,
  };
}

export async function closeSession(tx: Tx, token: string): Promise<void> {
  await tx.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/**
 * Ends every session of an account but, optionally, the one in use (after a password change), and
 * every bearer token of the families' API (the phone app logs in again with the new password).
 */
export async function closeOtherSessions(tx: Tx, accountId: string, keepTokenHash?: string): Promise<void> {
  let query = tx.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepTokenHash) query = query.where('token_hash', '!=', keepTokenHash);
  await query.execute();
  await tx.deleteFrom('api_tokens').where('account_id', '=', accountId).execute();
}

export async function markSecondFactorGiven(tx: Tx, tokenHash: string): Promise<void> {
  await tx.updateTable('sessions').set({ awaiting_second_factor: false }).where('token_hash', '=', tokenHash).execute();
}
