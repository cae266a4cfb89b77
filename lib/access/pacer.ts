// Keeps log-API calls under the provider's rate limit (CloudTrail LookupEvents: 2 requests
// per second per account and Region) and backs off when the provider throttles anyway.
// One pacer per ingestion run; the sleep is injectable so tests need not wait for real.

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown when the provider still throttles after every retry: the run stops and the
 *  next one resumes from the cursor (nothing is lost: writes are idempotent). */
export class ThrottledError extends Error {
  constructor() {
    super('The provider throttled the log API; the next run resumes.');
    this.name = 'ThrottledError';
  }
}

export type PacerOptions = { minIntervalMs: number; throttleRetries: number; backoffMs: number; sleep: Sleep; now?: () => number };

export function pacer(options: PacerOptions) {
  const now = options.now ?? (() => performance.now());
  let last = -Infinity;
  return async function call<T>(work: () => Promise<T>, isThrottle: (error: unknown) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      // Checked again after each sleep: a timer may fire a little before the time asked for
      // (timers count whole milliseconds, the clock fractions), and a call made early is throttled.
      for (let wait = last + options.minIntervalMs - now(); wait > 0; wait = last + options.minIntervalMs - now()) {
        await options.sleep(Math.ceil(wait));
      }
      last = now();
      try {
        return await work();
      } catch (error) {
        if (!isThrottle(error)) throw error;
        if (attempt >= options.throttleRetries) throw new ThrottledError();
        await options.sleep(options.backoffMs * 2 ** attempt);
      }
    }
  };
}
