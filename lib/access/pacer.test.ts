import { describe, expect, it } from 'vitest';
import { pacer, ThrottledError } from './pacer';

// A clock that moves only when the pacer sleeps: waits are computed, never taken.
function fakeTime() {
  let t = 1000;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps, advance: (ms: number) => void (t += ms) };
}
const throttle = Object.assign(new Error('x'), { name: 'ThrottlingException' });
const isThrottle = (e: unknown) => (e as Error).name === 'ThrottlingException';

describe('pacer', () => {
  it('spaces calls by the minimum interval (2 requests/s → 500 ms)', async () => {
    const time = fakeTime();
    const call = pacer({ minIntervalMs: 500, throttleRetries: 0, backoffMs: 0, ...time });
    await call(async () => 1, isThrottle);
    await call(async () => 2, isThrottle);
    time.advance(200);
    await call(async () => 3, isThrottle);
    time.advance(900);
    await call(async () => 4, isThrottle);
    expect(time.sleeps).toEqual([500, 300]);
  });

  it('waits out the whole interval when a timer fires early', async () => {
    const time = fakeTime();
    const calls: number[] = [];
    // Each sleep ends 0.4 ms before the time asked for, as a timer on whole milliseconds can.
    const sleep = async (ms: number) => void (time.sleeps.push(ms), time.advance(ms - 0.4));
    const call = pacer({ minIntervalMs: 500, throttleRetries: 0, backoffMs: 0, now: time.now, sleep });
    await call(async () => calls.push(time.now()), isThrottle);
    await call(async () => calls.push(time.now()), isThrottle);
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(500);
  });

  it('backs off exponentially on throttling, then gives up with ThrottledError', async () => {
    const time = fakeTime();
    const call = pacer({ minIntervalMs: 0, throttleRetries: 3, backoffMs: 100, ...time });
    let attempts = 0;
    await expect(
      call(async () => {
        attempts++;
        throw throttle;
      }, isThrottle),
    ).rejects.toBeInstanceOf(ThrottledError);
    expect(attempts).toBe(4);
    expect(time.sleeps).toEqual([100, 200, 400]);
    // Other errors pass through untouched, without retries.
    await expect(
      call(async () => {
        throw new Error('boom');
      }, isThrottle),
    ).rejects.toThrow('boom');
    let n = 0;
    expect(
      await call(async () => {
        if (n++ === 0) throw throttle;
        return 'ok';
      }, isThrottle),
    ).toBe('ok');
  });
});
