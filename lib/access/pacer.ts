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
      const wait = last + options.minIntervalMs - now();
      if (wait > 0) await options.sleep(wait);
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
