// Sign-in throttling: five failures for one email from one IP, or fifty from one IP,
// block further attempts for 15 minutes. Counters live in PostgreSQL (attempt-limiter.ts).
import 'server-only';
import { attemptLimiter } from './attempt-limiter';

// The name keeps the counters' original keys (signin_account:…, signin_ip:…).
const limiter = attemptLimiter({ name: 'signin', failuresPerKey: 5, failuresPerIp: 50, windowSeconds: 15 * 60 });

/** Seconds until another attempt is allowed, or 0 when the caller may try now. */
export function signInRetryAfter(email: string, ip: string | null): Promise<number> {
  return limiter.retryAfter(email, ip);
}

export function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  return limiter.recordFailure(email, ip);
}

export function clearSignInFailures(email: string, ip: string | null): Promise<void> {
  return limiter.clear(email, ip);
}
