import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../../config.js';
import type { SharedRateLimits } from '../../modules/security/shared-rate-limits.js';
import { sharedRateLimitStore } from './rate-limit-store.js';
import { tenantMatchOf } from './tenant-match.js';

/**
 * Security headers on every answer and the default rate limit of 600 requests a minute per
 * address, counted over every process on the database. The headers are helmet's, computed once per
 * form-action (helmet would build its policy again at every request, a twentieth of a
 * registration day's first second).
 */
export const securityHeaders = fp<{ config: Config; rateLimits: SharedRateLimits | undefined }>(
  async (app, { config, rateLimits }) => {
    const headerSets = new SecurityHeaderSets((formAction) => ({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Logging out answers the form with a redirect to the authority's website, and browsers
          // check that redirect against form-action: the tenant's website is allowed there.
          formAction: [formAction],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
      referrerPolicy: { policy: 'same-origin' },
    }));
    app.addHook('onRequest', (request, reply, done) => {
      for (const [name, value] of headerSets.of(tenantMatchOf(request.raw)?.tenant.website_url)) reply.raw.setHeader(name, value);
      done();
    });
    await app.register(rateLimit, {
      global: true,
      // Without a store the plugin counts in this process's memory.
      ...(rateLimits && { store: sharedRateLimitStore(rateLimits) }),
      max: 600,
      timeWindow: '1 minute',
      // Probes and scrapers call often from one address: the load balancer's, Prometheus's.
      allowList: (request) => PROBES.has(request.url),
    });
  },
  { name: 'security-headers' },
);

const PROBES = new Set(['/health', '/ready', '/metrics']);

/** The headers helmet sets with the options given for a form-action, recorded once per tenant website. */
class SecurityHeaderSets {
  private readonly byWebsite = new Map<string | null | undefined, [string, string][]>();

  constructor(private readonly optionsFor: (formAction: string) => HelmetOptions) {}

  of(website: string | null | undefined): [string, string][] {
    let headers = this.byWebsite.get(website);
    if (!headers) {
      headers = [];
      const recorded = headers;
      const recorder = { setHeader: (name: string, value: string) => void recorded.push([name, value]), removeHeader() {} };
      helmet(this.optionsFor(formActionSources(website)))({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
        if (error) throw error;
      });
      this.byWebsite.set(website, headers);
    }
    return headers;
  }
}

/** Where forms may lead: this site, and the tenant's website where logging out leads. */
function formActionSources(website: string | null | undefined): string {
  if (!website) return "'self'";
  try {
    const url = new URL(website);
    return url.protocol === 'https:' || url.protocol === 'http:' ? `'self' ${url.origin}` : "'self'";
  } catch {
    return "'self'";
  }
}

/**
 * Lets the forms of this answer's page lead to another site: the online payment provider the family
 * is sent to. Browsers check a form's target, and the redirects that answer it, against the
 * form-action of the page holding the form.
 */
export function allowFormActionTo(reply: FastifyReply, url: string): void {
  const policy = reply.getHeader('content-security-policy');
  if (typeof policy !== 'string') return;
  const origin = new URL(url).origin;
  reply.header(
    'content-security-policy',
    policy.replace(/form-action ([^;]*)/, (_, sources: string) => `form-action ${sources} ${origin}`),
  );
}
