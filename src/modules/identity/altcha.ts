import { hkdfSync } from 'node:crypto';
import { createChallenge, randomInt, verifySolution, type Challenge, type Payload } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Config } from '../../config.js';
import type { Scope } from '../scope.js';

/**
 * ALTCHA anti-robot check: the browser proves a little work (finding a counter whose SHA-256 matches
 * a signed prefix) before a sign-up, a reset request or a login after failed attempts. Self-hosted:
 * nothing leaves the portal.
 */

/** Long enough to fill in a form after ticking the box. */
const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;
/** The widget's worker for this algorithm is the one served by src/web/assets.ts. */
const ALGORITHM = 'SHA-256';
/** A real payload is about 1 kB; anything far bigger is not worth decoding. */
const MAX_PAYLOAD_LENGTH = 4_000;
/**
 * The hardest proof asked for: each level doubles the work, so the last one is 32 times the usual
 * one, some seconds on a phone (login-throttle.ts asks for it when an account is under attack).
 */
export const MAX_ALTCHA_LEVEL = 5;

export type AltchaSettings = Pick<Config, 'secret' | 'altchaMaxNumber'>;

/** `verified`, or why not: typed codes, put into words at the edge. */
export type AltchaVerdict = 'verified' | 'missing' | 'invalid' | 'expired' | 'replayed';

/**
 * Signing keys of one tenant, derived from the server secret: a challenge issued for one authority
 * fails the signature check of every other.
 */
function tenantKeys(secret: string, tenantId: string): { signature: string; derivedKey: string } {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, tenantId, `altcha ${purpose}`, 32)).toString('hex');
  return { signature: derive('challenge signature'), derivedKey: derive('derived key signature') };
}

/**
 * A new challenge for the widget. The counter to find is drawn between half and all of
 * `altchaMaxNumber` times 2^`level`, so every challenge costs real work, twice as much a level.
 * The expiry and the level travel in the signed `data`; the expiry rather than in `expiresAt`,
 * which altcha-lib compares with the process's wall clock: the portal's clock is the injected one
 * (frozen in tests).
 */
export function createAltchaChallenge(settings: AltchaSettings, tenantId: string, now: Date, level = 0): Promise<Challenge> {
  const keys = tenantKeys(settings.secret, tenantId);
  const max = settings.altchaMaxNumber * 2 ** level;
  return createChallenge({
    algorithm: ALGORITHM,
    cost: 1,
    deriveKey,
    counter: randomInt(max, Math.ceil(max / 2)),
    data: { expires: Math.floor((now.getTime() + CHALLENGE_LIFETIME_MS) / 1000), level },
    hmacSignatureSecret: keys.signature,
    hmacKeySignatureSecret: keys.derivedKey,
  });
}

/**
 * Checks the widget's payload (form field `altcha`: base64 of the challenge and its solution) and
 * spends it: a solved challenge is accepted once. Runs in the caller's transaction, so a form
 * refused later in that transaction gives the solution back. A challenge below `level` is refused
 * unspent: it was fetched before the attempts that made the check harder.
 */
export async function verifyAltcha(scope: Scope, settings: AltchaSettings, payload: unknown, level = 0): Promise<AltchaVerdict> {
  if (typeof payload !== 'string' || payload === '') return 'missing';
  const decoded = decodePayload(payload);
  if (!decoded) return 'invalid';
  const keys = tenantKeys(settings.secret, scope.tenantId);
  try {
    const result = await verifySolution({
      challenge: decoded.challenge,
      solution: decoded.solution,
      deriveKey,
      hmacSignatureSecret: keys.signature,
      hmacKeySignatureSecret: keys.derivedKey,
    });
    if (!result.verified) return 'invalid';
  } catch {
    // Parameters that pass the signature are ours; anything the library cannot even read is forged.
    return 'invalid';
  }
  const data = decoded.challenge.parameters.data;
  const expires = data?.expires;
  if (typeof expires !== 'number' || expires * 1000 <= scope.now.getTime()) return 'expired';
  // Challenges issued before levels existed (at most ten minutes before an upgrade) carry none.
  const solvedLevel = typeof data?.level === 'number' ? data.level : 0;
  if (solvedLevel < level) return 'invalid';
  return spend(scope, decoded.challenge.signature, new Date(expires * 1000));
}

type SignedPayload = Payload & { challenge: { signature: string } };

function decodePayload(payload: string): SignedPayload | null {
  if (payload.length > MAX_PAYLOAD_LENGTH) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    if (!isObject(value) || !isObject(value.challenge) || !isObject(value.solution)) return null;
    const { challenge } = value;
    if (!isObject(challenge.parameters) || typeof challenge.signature !== 'string') return null;
    return value as unknown as SignedPayload;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Records the challenge's signature as used. The primary key settles two submissions of one
 * solution racing each other: the second finds the row and is refused, without aborting the
 * caller's transaction. Expired rows can go, since their challenges are refused anyway; rows another
 * transaction is purging are skipped rather than waited for.
 */
async function spend(scope: Scope, signature: string, expiresAt: Date): Promise<AltchaVerdict> {
  await scope.tx
    .deleteFrom('altcha_spent')
    .where('tenant_id', '=', scope.tenantId)
    .where('signature', 'in', (eb) =>
      eb.selectFrom('altcha_spent').select('signature').where('expires_at', '<=', scope.now).limit(100).forUpdate().skipLocked(),
    )
    .execute();
  const inserted = await scope.tx
    .insertInto('altcha_spent')
    .values({ tenant_id: scope.tenantId, signature, expires_at: expiresAt })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'signature']).doNothing())
    .returning('signature')
    .executeTakeFirst();
  return inserted ? 'verified' : 'replayed';
}
