import type { SharedRateLimits } from '../../modules/security/shared-rate-limits.js';

type Answer = (error: Error | null, result: { current: number; ttl: number }) => void;

/**
 * The store @fastify/rate-limit counts in, over the counts every process shares: one bucket for
 * the global limit, one per route that sets its own (as its own memory store keeps them apart).
 * The plugin builds the store with `new Store(globalParams)` and each route's with `child()`.
 */
export function sharedRateLimitStore(limits: SharedRateLimits) {
  return class SharedRateLimitStore {
    constructor(
      _globalParams: unknown,
      private readonly bucket = 'global',
    ) {}

    incr(key: string, answer: Answer, timeWindow: number): void {
      answer(null, limits.hit(this.bucket, key, timeWindow));
    }

    read(key: string, answer: Answer, timeWindow: number): void {
      answer(null, limits.peek(this.bucket, key, timeWindow));
    }

    /** `params`: the route's options merged with its limit's (routeInfo, max, timeWindow…). */
    child(params: object): SharedRateLimitStore {
      const { routeInfo, max, timeWindow } = params as { routeInfo?: { method?: string | string[]; url?: string }; max?: unknown; timeWindow?: unknown };
      const route = routeInfo?.url ? `${[routeInfo.method ?? ''].flat().join(',')} ${routeInfo.url}` : undefined;
      // A limiter made by app.rateLimit() has no route: its limit names it, the same in every process.
      return new SharedRateLimitStore(undefined, route ?? `limit ${String(max)}/${String(timeWindow)}`);
    }
  };
}
