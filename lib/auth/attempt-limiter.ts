// Failure throttling for anything guessable (passwords, invite codes), stored in
// PostgreSQL (table rate_limits) so every app instance sees the same counters.
//
// An attempt is counted when it begins, before the guess is checked, and given back when it
// succeeds: counting only after a failure let a parallel burst run every guess before the
// first failure was written. Each increment is one atomic upsert, so of N simultaneous
// attempts at most the limit go through.
//
// Limits: consecutive failures for one key (an email) from one IP; all failures from one
// IP (spraying across keys); and optionally, per key across every IP (many addresses
// against one account), a slow-down instead of a lock-out: after a few free failures the
// account admits one attempt from an unfamiliar address per delay, the delay doubling with
// each failure up to a cap. Addresses the account signed in from before skip that queue, so
// an attacker hammering an account can slow its owner only on a new address, never lock
// them out.
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { pgPool } from '@/lib/db';

export type AttemptLimits = {
  /** Counter name in rate_limits; changing it resets everyone's counters. */
  name: string;
  failuresPerKey: number;
  failuresPerIp: number;
  windowSeconds: number;
  /** Per key across all addresses: growing delays after `freeFailures` within `windowSeconds`. */
  slowDown?: { freeFailures: number; windowSeconds: number; firstDelaySeconds: number; maxDelaySeconds: number };
};

export type Attempt =
  | { allowed: true; /** Call when the guess was right: gives the attempt back. */ succeeded(): Promise<void> }
  | { allowed: false; /** Seconds until another attempt may go through. */ retryAfter: number; limit: 'address' | 'account' };

export type AttemptLimiter = {
  /** Counts an attempt before its guess is checked; a refused attempt must not be checked at all. */
  begin(key: string, ip: string | null): Promise<Attempt>;
};

/** A familiar address stays familiar for this long after its last successful sign-in. */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;
/** Counts failures without ever refusing (the slow-down decides from the count). */
const UNLIMITED = 1_000_000_000;

/** Seconds the n-th failure within the window (counting this attempt) must wait behind the previous one. */
export function slowDownDelay(n: number, s: NonNullable<AttemptLimits['slowDown']>): number {
  if (n <= s.freeFailures) return 0;
  return Math.min(s.maxDelaySeconds, s.firstDelaySeconds * 2 ** Math.min(n - s.freeFailures - 1, 30));
}

export function attemptLimiter(limits: AttemptLimits): AttemptLimiter {
  type Stores = {
    byKey: RateLimiterPostgres;
    byIp: RateLimiterPostgres;
    byAccount: RateLimiterPostgres;
    slot: RateLimiterPostgres;
    known: RateLimiterPostgres;
  };
  let stores: Stores | undefined;
  // Created on first use: the pool (and DATABASE_URL) may not exist at import time.
  const get = (): Stores => {
    const common = { storeClient: pgPool(), storeType: 'pool', tableName: 'rate_limits', tableCreated: true };
    const window = { duration: limits.windowSeconds, blockDuration: limits.windowSeconds };
    const slowWindow = limits.slowDown?.windowSeconds ?? limits.windowSeconds;
    stores ??= {
      byKey: new RateLimiterPostgres({ ...common, ...window, keyPrefix: `${limits.name}_account`, points: limits.failuresPerKey }),
      byIp: new RateLimiterPostgres({ ...common, ...window, keyPrefix: `${limits.name}_ip`, points: limits.failuresPerIp }),
      byAccount: new RateLimiterPostgres({ ...common, duration: slowWindow, keyPrefix: `${limits.name}_all`, points: UNLIMITED }),
      // One point per key: the first attempt after a delay takes the slot for the next delay.
      slot: new RateLimiterPostgres({ ...common, duration: 1, keyPrefix: `${limits.name}_slot`, points: 1 }),
      known: new RateLimiterPostgres({ ...common, duration: KNOWN_ADDRESS_SECONDS, keyPrefix: `${limits.name}_known`, points: UNLIMITED }),
    };
    return stores;
  };
  const keyOf = (key: string, ip: string | null) => `${key}|${ip ?? 'unknown'}`;
  const refusal = (e: unknown): RateLimiterRes => {
    if (e instanceof RateLimiterRes) return e; // a rejection with RateLimiterRes means "over the limit"
    throw e;
  };
  const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

  return {
    async begin(key, ip) {
      const { byKey, byIp, byAccount, slot, known } = get();
      const keyIp = keyOf(key, ip);
      const address = ip ?? 'unknown';
      const given: Array<() => Promise<unknown>> = [];
      const giveBack = () => Promise.all(given.map((f) => f()));

      const counted = await Promise.allSettled([byKey.consume(keyIp), byIp.consume(address)]);
      if (counted[0].status === 'fulfilled') given.push(() => byKey.reward(keyIp));
      if (counted[1].status === 'fulfilled') given.push(() => byIp.reward(address));
      const refused = counted.flatMap((r) => (r.status === 'rejected' ? [refusal(r.reason)] : []));
      if (refused.length > 0) {
        await giveBack();
        return { allowed: false, limit: 'address', retryAfter: Math.max(...refused.map(seconds)) };
      }

      const s = limits.slowDown;
      let accountCounted = false;
      if (s && !(await known.get(keyIp))) {
        const n = (await byAccount.consume(key)).consumedPoints;
        accountCounted = true;
        given.push(() => byAccount.reward(key));
        const delay = slowDownDelay(n, s);
        if (delay > 0) {
          const wait = await slot.consume(key, 1, { customDuration: delay }).then(() => null, refusal);
          if (wait) {
            await giveBack();
            return { allowed: false, limit: 'account', retryAfter: seconds(wait) };
          }
        }
      }

      return {
        allowed: true,
        async succeeded() {
          // The key's failures from this address are forgotten; the other counters get this attempt back.
          await Promise.all([
            byKey.delete(keyIp),
            byIp.reward(address),
            accountCounted ? byAccount.reward(key) : null,
            s ? known.set(keyIp, 1, KNOWN_ADDRESS_SECONDS) : null,
          ]);
        },
      };
    },
  };
}
