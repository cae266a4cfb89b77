import { describe, expect, it } from 'vitest';
import { attemptLimiter } from '@/lib/auth/attempt-limiter';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { hashPassword } from '@/lib/auth/password';
import { db } from '@/lib/db';
import { seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

describe('attempt limiter', () => {
  it('still throttles password sign-in after five failures for one email from one address (same counters as before)', async () => {
    const user = await seedUser('viewer', { passwordHash: await hashPassword('the right password') });
    const caller = { user: null, request: { ...TEST_REQUEST, ip: '10.9.9.9' } };
    for (let i = 0; i < 5; i++) {
      expect(await signInWithPassword(caller, { email: user.email, password: `wrong ${i}` })).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await signInWithPassword(caller, { email: user.email, password: 'the right password' })).toEqual({ ok: false, reason: 'throttled' });
    const keys = await db.rateLimit.findMany({ where: { key: { contains: user.email } }, select: { key: true } });
    expect(keys.map((k) => k.key)).toEqual([`signin_account:${user.email}|10.9.9.9`]);
    // Another address may still sign in.
    const other = await signInWithPassword({ ...caller, request: { ...caller.request, ip: '10.9.9.10' } }, { email: user.email, password: 'the right password' });
    expect(other.ok).toBe(true);
  });

  it('keeps separate counters per limiter name and clears a key on success', async () => {
    const a = attemptLimiter({ name: 'test_a', failuresPerKey: 2, failuresPerIp: 100, windowSeconds: 60 });
    const b = attemptLimiter({ name: 'test_b', failuresPerKey: 2, failuresPerIp: 100, windowSeconds: 60 });
    await a.recordFailure('k', '1.1.1.1');
    await a.recordFailure('k', '1.1.1.1');
    expect(await a.retryAfter('k', '1.1.1.1')).toBeGreaterThan(0);
    expect(await b.retryAfter('k', '1.1.1.1')).toBe(0);
    expect(await a.retryAfter('k', '2.2.2.2')).toBe(0);
    await a.clear('k', '1.1.1.1');
    expect(await a.retryAfter('k', '1.1.1.1')).toBe(0);
  });

  it('blocks an address after its total failures across keys', async () => {
    const limiter = attemptLimiter({ name: 'test_ip', failuresPerKey: 100, failuresPerIp: 3, windowSeconds: 60 });
    for (const key of ['a', 'b', 'c']) await limiter.recordFailure(key, '3.3.3.3');
    expect(await limiter.retryAfter('d', '3.3.3.3')).toBeGreaterThan(0);
    expect(await limiter.retryAfter('d', '4.4.4.4')).toBe(0);
  });
});
