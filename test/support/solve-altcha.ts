import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { FastifyInstance } from 'fastify';

/** Does what the widget does in a browser: fetches a challenge of the tenant and solves it. */
export async function solveAltcha(app: FastifyInstance, base: string): Promise<string> {
  const response = await app.inject({ url: `${base}/altcha/challenge` });
  const challenge = response.json() as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('could not solve the ALTCHA challenge');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
