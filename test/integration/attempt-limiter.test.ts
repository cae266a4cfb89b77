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
    const keys = await db.rateLimit.findMany({ where: { key: { contains: user.email } }, select: { key: true }, orderBy: { key: 'asc' } });
    // The per-address counter keeps its key; the account's count across addresses is new.
    expect(keys.map((k) => k.key)).toEqual([`signin_account:${user.email}|10.9.9.9`, `signin_all:${user.email}`]);
    // Another address may still sign in.
    const other = await signInWithPassword(
      { ...caller, request: { ...caller.request, ip: '10.9.9.10' } },
      { email: user.email, password: 'the right password' },
    );
    expect(other.ok).toBe(true);
  });

  it("keeps separate counters per limiter name and forgets a key's failures after a success", async () => {
    const a = attemptLimiter({ name: 'test_a', failuresPerKey: 2, failuresPerIp: 100, windowSeconds: 60 });
    const b = attemptLimiter({ name: 'test_b', failuresPerKey: 2, failuresPerIp: 100, windowSeconds: 60 });
    expect((await a.begin('k', '1.1.1.1')).allowed).toBe(true);
    expect((await a.begin('k', '1.1.1.1')).allowed).toBe(true);
    expect(await a.begin('k', '1.1.1.1')).toMatchObject({ allowed: false, limit: 'address', retryAfter: expect.any(Number) });
    expect((await b.begin('k', '1.1.1.1')).allowed).toBe(true);
    expect((await a.begin('k', '2.2.2.2')).allowed).toBe(true);
    // A success on another key from the same address leaves this key's failures alone, and
    // a success on this key (from an address it is not blocked on) clears only that address.
    const fresh = await a.begin('other', '1.1.1.1');
    if (fresh.allowed) await fresh.succeeded();
    expect((await a.begin('k', '1.1.1.1')).allowed).toBe(false);
    const ok = await a.begin('k2', '3.3.3.3');
    expect(ok.allowed).toBe(true);
    if (ok.allowed) await ok.succeeded();
    expect((await a.begin('k2', '3.3.3.3')).allowed).toBe(true);
    expect((await a.begin('k2', '3.3.3.3')).allowed).toBe(true);
  });

  it('blocks an address after its total failures across keys', async () => {
    const limiter = attemptLimiter({ name: 'test_ip', failuresPerKey: 100, failuresPerIp: 3, windowSeconds: 60 });
    for (const key of ['a', 'b', 'c']) expect((await limiter.begin(key, '3.3.3.3')).allowed).toBe(true);
    expect(await limiter.begin('d', '3.3.3.3')).toMatchObject({ allowed: false, limit: 'address' });
    expect((await limiter.begin('d', '4.4.4.4')).allowed).toBe(true);
  });
});
