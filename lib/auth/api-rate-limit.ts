// Rate limits of the REST API (/api/v1), stored in PostgreSQL (table rate_limits, as
// attempt-limiter.ts does) so every app instance counts against the same numbers:
//   - per token: at most its limit of calls per minute (the token's own, else
//     API_RATE_LIMIT_PER_MINUTE). Each call is one atomic upsert, so of N simultaneous calls
//     at most the limit go through, whichever instance they reach.
//   - per address, for calls without a live token: after FAILURES_PER_ADDRESS of them in a
//     minute, the address is refused for BLOCK_SECONDS (five minutes) before any token it sends is looked up
//     (tokens are 256 random bits, so this stops noise and load, not a feasible guess).
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { pgPool } from '@/lib/db';

export const FAILURES_PER_ADDRESS = 30;
const BLOCK_SECONDS = 5 * 60;

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type ApiRateLimiter = {
  /** Counts one call of a token; refused once the token made `perMinute` calls this minute. */
  takeCall(tokenId: string, perMinute: number): Promise<RateVerdict>;
  /** Whether an address failed so often that it may not present a token now (counts nothing). */
  addressVerdict(ip: string | null): Promise<RateVerdict>;
  /** Counts a call without a live token from an address. */
  countFailure(ip: string | null): Promise<void>;
};

const ALLOWED: RateVerdict = { allowed: true };
const refusedFor = (res: RateLimiterRes): RateVerdict => ({ allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });

/** A limiter; every instance (in this process or another) shares the counters in the database. */
export function apiRateLimiter(): ApiRateLimiter {
  // Created on first use: the pool (and DATABASE_URL) may not exist at import time. All
  // per-token limiters share one key prefix: the stored count is the token's, whatever limit reads it.
  const common = () => ({ storeClient: pgPool(), storeType: 'pool', tableName: 'rate_limits', tableCreated: true });
  const perToken = new Map<number, RateLimiterPostgres>();
  let perAddress: RateLimiterPostgres | undefined;
  const addresses = () =>
    (perAddress ??= new RateLimiterPostgres({
      ...common(),
      keyPrefix: 'api_auth_address',
      points: FAILURES_PER_ADDRESS,
      duration: 60,
    }));
  const address = (ip: string | null) => ip ?? 'unknown';

  return {
    async takeCall(tokenId, perMinute) {
      let limiter = perToken.get(perMinute);
      if (!limiter) {
        limiter = new RateLimiterPostgres({ ...common(), keyPrefix: 'api_token', points: perMinute, duration: 60 });
        perToken.set(perMinute, limiter);
      }
      return limiter.consume(tokenId).then(
        () => ALLOWED,
        (e: unknown) => {
          if (e instanceof RateLimiterRes) return refusedFor(e); // a rejection with RateLimiterRes means "over the limit"
          throw e;
        },
      );
    },
    async addressVerdict(ip) {
      const res = await addresses().get(address(ip));
      return res && res.consumedPoints >= FAILURES_PER_ADDRESS ? refusedFor(res) : ALLOWED;
    },
    async countFailure(ip) {
      const limiter = addresses();
      const res = await limiter.consume(address(ip)).catch((e: unknown) => {
        if (e instanceof RateLimiterRes) return null; // counted before, and blocked already
        throw e;
      });
      if (res && res.consumedPoints >= FAILURES_PER_ADDRESS) await limiter.block(address(ip), BLOCK_SECONDS);
    },
  };
}
