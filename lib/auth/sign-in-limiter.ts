// Sign-in throttling (counters in PostgreSQL, attempt-limiter.ts). From one IP: five
// failures for one email, or fifty in all, block further attempts for 15 minutes. Against
// one email from everywhere: ten failures an hour are free, then an address the account
// never signed in from gets one attempt per delay (15 s, doubling to 5 minutes), so a
// botnet's guesses are slowed to a trickle while the owner, on a familiar address, is not.
import 'server-only';
import { attemptLimiter, type Attempt } from './attempt-limiter';

// The name keeps the counters' original keys (signin_account:…, signin_ip:…).
const limiter = attemptLimiter({
  name: 'signin',
  failuresPerKey: 5,
  failuresPerIp: 50,
  windowSeconds: 15 * 60,
  slowDown: { freeFailures: 10, windowSeconds: 60 * 60, firstDelaySeconds: 15, maxDelaySeconds: 5 * 60 },
});

/** Counts a sign-in attempt before the password is checked (see attempt-limiter.ts). */
export function beginSignInAttempt(email: string, ip: string | null): Promise<Attempt> {
  return limiter.begin(email, ip);
}
