// Failure throttling for anything guessable (passwords, invite codes), stored in
// PostgreSQL (table rate_limits) so every app instance sees the same counters. Each
// limiter has two limits: consecutive failures for one key (an email) from one IP, and
// all failures from one IP (spraying across many keys).
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { pgPool } from '@/lib/db';

export type AttemptLimits = {
  /** Counter name in rate_limits; changing it resets everyone's counters. */
  name: string;
  failuresPerKey: number;
  failuresPerIp: number;
  windowSeconds: number;
};

export type AttemptLimiter = {
  /** Seconds until another attempt is allowed, or 0 when the caller may try now. */
  retryAfter(key: string, ip: string | null): Promise<number>;
  recordFailure(key: string, ip: string | null): Promise<void>;
  /** Forgets the key's failures after a success (the IP counter keeps counting). */
  clear(key: string, ip: string | null): Promise<void>;
};

export function attemptLimiter(limits: AttemptLimits): AttemptLimiter {
  let stores: { byKey: RateLimiterPostgres; byIp: RateLimiterPostgres } | undefined;
  // Created on first use: the pool (and DATABASE_URL) may not exist at import time.
  const get = () => {
    const common = { storeClient: pgPool(), storeType: 'pool', tableName: 'rate_limits', tableCreated: true };
    const window = { duration: limits.windowSeconds, blockDuration: limits.windowSeconds };
    stores ??= {
      byKey: new RateLimiterPostgres({ ...common, ...window, keyPrefix: `${limits.name}_account`, points: limits.failuresPerKey }),
      byIp: new RateLimiterPostgres({ ...common, ...window, keyPrefix: `${limits.name}_ip`, points: limits.failuresPerIp }),
    };
    return stores;
  };
  const keyOf = (key: string, ip: string | null) => `${key}|${ip ?? 'unknown'}`;

  return {
    async retryAfter(key, ip) {
      const { byKey, byIp } = get();
      const [forKey, forIp] = await Promise.all([byKey.get(keyOf(key, ip)), byIp.get(ip ?? 'unknown')]);
      let wait = 0;
      for (const [res, limit] of [
        [forKey, limits.failuresPerKey],
        [forIp, limits.failuresPerIp],
      ] as const) {
        if (res && res.consumedPoints >= limit) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000));
      }
      return wait;
    },
    async recordFailure(key, ip) {
      const { byKey, byIp } = get();
      const swallowLimit = (e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e; // a rejection with RateLimiterRes just means "now blocked"
      };
      await Promise.all([
        byKey.consume(keyOf(key, ip)).catch(swallowLimit),
        byIp.consume(ip ?? 'unknown').catch(swallowLimit),
      ]);
    },
    async clear(key, ip) {
      await get().byKey.delete(keyOf(key, ip));
    },
  };
}
