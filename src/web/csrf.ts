import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export const CSRF_COOKIE = 'pf_csrf';

/**
 * Anti-forgery tokens: a random secret in an HttpOnly cookie, and in each form its HMAC under the
 * server's secret. A page of another site can neither read the cookie nor compute the token.
 */
export class CsrfTokens {
  /** The server's secret as a key object, prepared once rather than at each token. */
  private readonly key: KeyObject;

  constructor(serverSecret: string) {
    this.key = createSecretKey(Buffer.from(serverSecret));
  }

  newCookieSecret(): string {
    return randomBytes(24).toString('base64url');
  }

  tokenFor(cookieSecret: string): string {
    return createHmac('sha256', this.key).update(`csrf:${cookieSecret}`).digest('base64url');
  }

  verify(cookieSecret: string | undefined, token: unknown): boolean {
    if (!cookieSecret || typeof token !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(cookieSecret));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
