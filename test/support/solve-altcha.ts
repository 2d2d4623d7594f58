import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { FastifyInstance } from 'fastify';

/** Does what the widget does in a browser: fetches a challenge of the tenant, as hard as `level`, and solves it. */
export async function solveAltcha(app: FastifyInstance, base: string, level = 0): Promise<string> {
  const response = await app.inject({ url: `${base}/altcha/challenge${level ? `?level=${level}` : ''}` });
  return solvedPayload(response.json() as Challenge);
}

/** The `altcha` field a form or an app sends once `challenge` is solved: base64 of the challenge and its solution. */
export async function solvedPayload(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('could not solve the ALTCHA challenge');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

/** The level of the anti-robot check a login page asks for, or null when it shows none. */
export function askedAltchaLevel(html: string): number | null {
  const widget = /<altcha-widget[^>]* challenge="[^"?]*(?:\?level=(\d+))?"/.exec(html);
  return widget ? Number(widget[1] ?? 0) : null;
}
