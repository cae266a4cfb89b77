// Sign-in throttling, stored in PostgreSQL (table rate_limits) so every app instance
// sees the same counters. Two limits: consecutive failures for one email from one IP,
// and all failures from one IP (password spraying across accounts).
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { pgPool } from '@/lib/db';

const FAILURES_PER_ACCOUNT = 5;
const FAILURES_PER_IP = 50;
const WINDOW_SECONDS = 15 * 60;

type Limiters = { byAccount: RateLimiterPostgres; byIp: RateLimiterPostgres };
let limiters: Limiters | undefined;

function get(): Limiters {
  const common = { storeClient: pgPool(), storeType: 'pool', tableName: 'rate_limits', tableCreated: true };
  limiters ??= {
    byAccount: new RateLimiterPostgres({
      ...common,
      keyPrefix: 'signin_account',
      points: FAILURES_PER_ACCOUNT,
      duration: WINDOW_SECONDS,
      blockDuration: WINDOW_SECONDS,
    }),
    byIp: new RateLimiterPostgres({
      ...common,
      keyPrefix: 'signin_ip',
      points: FAILURES_PER_IP,
      duration: WINDOW_SECONDS,
      blockDuration: WINDOW_SECONDS,
    }),
  };
  return limiters;
}

const accountKey = (email: string, ip: string | null) => `${email}|${ip ?? 'unknown'}`;

/** Seconds until another attempt is allowed, or 0 when the caller may try now. */
export async function signInRetryAfter(email: string, ip: string | null): Promise<number> {
  const { byAccount, byIp } = get();
  const [account, address] = await Promise.all([byAccount.get(accountKey(email, ip)), byIp.get(ip ?? 'unknown')]);
  const blocked = [
    [account, FAILURES_PER_ACCOUNT],
    [address, FAILURES_PER_IP],
  ] as const;
  let wait = 0;
  for (const [res, limit] of blocked) {
    if (res && res.consumedPoints >= limit) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000));
  }
  return wait;
}

export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const { byAccount, byIp } = get();
  const swallowLimit = (e: unknown) => {
    if (!(e instanceof RateLimiterRes)) throw e; // a rejection with RateLimiterRes just means "now blocked"
  };
  await Promise.all([
    byAccount.consume(accountKey(email, ip)).catch(swallowLimit),
    byIp.consume(ip ?? 'unknown').catch(swallowLimit),
  ]);
}

export async function clearSignInFailures(email: string, ip: string | null): Promise<void> {
  await get().byAccount.delete(accountKey(email, ip));
}
