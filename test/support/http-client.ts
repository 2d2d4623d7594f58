import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openSession } from '../../src/modules/identity/sessions.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { PASSWORD } from './scenario.js';
import type { TestPortal } from './test-portal.js';

/**
 * A person's browser over app.inject(): keeps cookies, and sends with each form the anti-forgery
 * token of the last page it read, as a real form would.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  lastHtml = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: this.requestHeaders() });
    this.remember(response);
    return response;
  }

  /** Posts a form; `_csrf` is taken from the last page read unless given. */
  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: string | false } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
    const token = options.csrf === undefined ? this.csrfToken() : options.csrf;
    if (token !== false && token !== undefined && !body.has('_csrf')) body.set('_csrf', token);
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { ...this.requestHeaders(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(response);
    return response;
  }

  /** Follows a redirect answer with a GET, as a browser does after a form. */
  async follow(response: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    const location = response.headers.location;
    if (typeof location !== 'string') throw new Error(`expected a redirect, got ${response.statusCode}`);
    return this.get(location.replace(/^https?:\/\/[^/]+/, ''));
  }

  csrfToken(): string | undefined {
    return /name="_csrf" value="([^"]+)"/.exec(this.lastHtml)?.[1];
  }

  private requestHeaders(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { ...this.headers, cookie } : { ...this.headers };
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now()) || cookie.value === '';
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    if ((response.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastHtml = response.body;
  }
}

/** A browser already signed in as the account (a session opened directly, without the login form). */
export async function signedInBrowser(portal: TestPortal, tenant: Tenant, accountId: string): Promise<TestBrowser> {
  const token = await portal.inTenant(tenant, ({ tx, tenantId, now }) => openSession(tx, tenantId, accountId, now, { ip: null, userAgent: null }));
  const browser = new TestBrowser(portal.app);
  browser.cookies.set('pf_session', token);
  return browser;
}

/** A browser signed in through the authority's login form, as a person does (the scenarios' password). */
export async function loggedInBrowser(portal: TestPortal, email: string, slug = 'ville'): Promise<TestBrowser> {
  const browser = new TestBrowser(portal.app);
  await browser.get(`/${slug}/connexion`);
  await browser.post(`/${slug}/connexion`, { email, password: PASSWORD });
  return browser;
}
