import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Config } from '../../config.js';
import type { SharedRateLimits } from '../../modules/security/shared-rate-limits.js';
import { sharedRateLimitStore } from './rate-limit-store.js';
import { type TenantMatch, tenantMatchOf } from './tenant-match.js';

/**
 * Security headers on every answer (helmet's middleware built once: the Fastify plugin builds it
 * anew for each request) and the default rate limit of 600 requests a minute per address, counted
 * over every process on the database.
 */
export const securityHeaders = fp<{ config: Config; rateLimits: SharedRateLimits | undefined }>(
  async (app, { config, rateLimits }) => {
    const headers = helmet({
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
          formAction: [(raw: IncomingMessage) => formActionSources(tenantMatchOf(raw))],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
      referrerPolicy: { policy: 'same-origin' },
    });
    app.addHook('onRequest', (request, reply, done) => headers(request.raw, reply.raw, (error) => done(error as Error | undefined)));
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

/** Where forms may lead: this site, and the tenant's website where logging out leads. */
function formActionSources(match: TenantMatch | undefined): string {
  const website = match?.tenant.website_url;
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
