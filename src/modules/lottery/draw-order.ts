import { createHmac, randomBytes } from 'node:crypto';
import { compareLevels } from './lottery-criteria.js';

/**
 * The order of a lottery draw, computed from published data only, so that anyone can re-run it:
 *
 *   1. hash(household) = HMAC-SHA-256(key = the 32 bytes the seed's 64 hex digits encode,
 *      message = the household id as lowercase text, UTF-8), written in lowercase hex;
 *   2. households are sorted by priority level, best first (criterion by criterion, in the
 *      authority's order, a criterion met before one not met);
 *   3. within a level, by hash, ascending (plain string order of the hex digits);
 *   4. a tie on the hash (never seen: 256 bits) is broken by the household id.
 *
 * The seed is drawn at random (crypto.randomBytes) and published before the applications close;
 * the household ids exist before the seed is known to matter, and nobody chooses them.
 */

export interface LevelledHousehold {
  householdId: string;
  level: number[];
}

export interface DrawnHousehold extends LevelledHousehold {
  /** 1 is drawn first. */
  position: number;
  hash: string;
}

const SEED = /^[0-9a-f]{64}$/;

export function isSeed(value: string): boolean {
  return SEED.test(value);
}

/** A new seed: 256 random bits in hex. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

export function drawHash(seed: string, householdId: string): string {
  if (!isSeed(seed)) throw new Error('a seed is 64 lowercase hex digits');
  return createHmac('sha256', Buffer.from(seed, 'hex')).update(householdId.toLowerCase(), 'utf8').digest('hex');
}

/** The households in draw order, each with its position and hash. Pure: the same input gives the same order. */
export function drawOrder(seed: string, households: readonly LevelledHousehold[]): DrawnHousehold[] {
  const hashed = households.map((household) => ({
    householdId: household.householdId,
    level: [...household.level],
    hash: drawHash(seed, household.householdId),
  }));
  hashed.sort((a, b) => compareLevels(a.level, b.level) || compare(a.hash, b.hash) || compare(a.householdId.toLowerCase(), b.householdId.toLowerCase()));
  return hashed.map((household, index) => ({ ...household, position: index + 1 }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
