import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export const CSRF_COOKIE = 'pf_csrf';

/**
 * Anti-forgery tokens: a random secret in an HttpOnly cookie, and in each form its HMAC under the
 * server's secret. A page of another site can neither read the cookie nor compute the token.
 */
export class CsrfTokens {
  /** The server's secret as a key object, prepared once rather than at each token. */
  private readonly key: KeyObject;
  private readonly ofRequest = new WeakMap<FormRequest, string>();

  constructor(serverSecret: string) {
    this.key = createSecretKey(Buffer.from(serverSecret));
  }

  newCookieSecret(): string {
    return randomBytes(24).toString('base64url');
  }

  tokenFor(cookieSecret: string): string {
    return createHmac('sha256', this.key).update(`csrf:${cookieSecret}`).digest('base64url');
  }

  /**
   * The token of a request's forms, made once per request: a form is checked against it and its
   * answer page written with it (two HMACs per booking request otherwise, on the rush's hot path).
   */
  tokenOf(request: FormRequest): string {
    const known = this.ofRequest.get(request);
    if (known !== undefined) return known;
    const token = this.tokenFor(request.csrfSecret);
    this.ofRequest.set(request, token);
    return token;
  }

  /** Whether `token` is the one of the request's forms, its cookie sent with it (a cookie set just now proves nothing). */
  verify(request: FormRequest, token: unknown): boolean {
    if (request.cookies[CSRF_COOKIE] !== request.csrfSecret || typeof token !== 'string') return false;
    const expected = Buffer.from(this.tokenOf(request));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** What the tokens need of a request: the cookies it sent, and its cookie secret (sent, or set in its answer). */
interface FormRequest {
  cookies: Record<string, string | undefined>;
  csrfSecret: string;
}
