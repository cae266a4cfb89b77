// Sign-in limits against the attacks they exist for, through signInWithPassword and real
// PostgreSQL counters: a parallel burst from one address, and many addresses against one
// account (slowed, while the owner still gets in). Passwords are counted by the audit
// trail: 'wrong_password' events are guesses that were actually checked.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callerFor } from '@/lib/auth/caller';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { hashPassword } from '@/lib/auth/password';
import { db } from '@/lib/db';
import { seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const from = (ip: string) => callerFor(null, { ...TEST_REQUEST, ip });

async function reasons(email: string) {
  const events = await db.auditEvent.findMany({ where: { action: 'auth.sign_in', actorEmail: email }, orderBy: { id: 'asc' } });
  return events.map((e) => {
    const detail = e.detail as { reason?: string; limit?: string } | null;
    return e.outcome === 'success' ? 'success' : `${detail?.reason}${detail?.limit ? `:${detail.limit}` : ''}`;
  });
}

const count = (list: string[], value: string) => list.filter((r) => r === value).length;

describe('sign-in limits', () => {
  it('checks at most five passwords of a parallel burst of twenty from one address', async () => {
    const password = `pw-${randomUUID()}`;
    const user = await seedUser('viewer', { passwordHash: await hashPassword(password) });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInWithPassword(from('198.51.100.20'), { email: user.email, password: `burst-${i}` })),
    );

    const seen = await reasons(user.email);
    expect(count(seen, 'wrong_password')).toBe(5);
    // The refusals are signed-out denials: the first per address and minute is an event of
    // its own, all of them are counted for the minute's summary (lib/audit/signed-out-denials.ts).
    expect(count(seen, 'rate_limited:address')).toBeGreaterThanOrEqual(1);
    const counted = await db.signedOutDenial.aggregate({ where: { source: '198.51.100.20' }, _sum: { count: true } });
    expect(counted._sum.count).toBe(15);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(15);
    // The right password is refused too while the address is blocked.
    expect(await signInWithPassword(from('198.51.100.20'), { email: user.email, password })).toEqual({ ok: false, reason: 'throttled' });
  });

  it('slows many addresses guessing one account, and the owner still signs in from a familiar address', async () => {
    const password = `pw-${randomUUID()}`;
    const user = await seedUser('engineer', { passwordHash: await hashPassword(password) });
    const owner = from('198.51.100.1');
    expect((await signInWithPassword(owner, { email: user.email, password })).ok).toBe(true);

    // Ten free failures from ten addresses (two each from five would trip nothing either).
    for (let i = 1; i <= 10; i++) {
      expect(await signInWithPassword(from(`203.0.113.${i}`), { email: user.email, password: `guess-${i}` })).toEqual({ ok: false, reason: 'invalid' });
    }
    // Ten more addresses, each fresh: one gets the next slot, the rest wait for the delay.
    const later = [];
    for (let i = 11; i <= 20; i++) later.push(await signInWithPassword(from(`203.0.113.${i}`), { email: user.email, password: `guess-${i}` }));
    expect(later.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(1);
    expect(later.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(9);
    // Even the right password waits on an unfamiliar address: nothing is checked there now.
    expect(await signInWithPassword(from('203.0.113.99'), { email: user.email, password })).toEqual({ ok: false, reason: 'throttled' });

    // The owner, on the address they signed in from before, is not held up.
    expect(await signInWithPassword(owner, { email: user.email, password })).toMatchObject({ ok: true, user: { id: user.id } });

    const seen = await reasons(user.email);
    expect(count(seen, 'wrong_password')).toBe(11);
    expect(count(seen, 'rate_limited:account')).toBe(10);
    expect(count(seen, 'success')).toBe(2);
  });

  it('checks at most the free failures and one more of a parallel burst from thirty addresses', async () => {
    const user = await seedUser('viewer', { passwordHash: await hashPassword(`pw-${randomUUID()}`) });
    await Promise.all(Array.from({ length: 30 }, (_, i) => signInWithPassword(from(`192.0.2.${i + 1}`), { email: user.email, password: `spray-${i}` })));
    const seen = await reasons(user.email);
    expect(count(seen, 'wrong_password')).toBe(11);
    expect(count(seen, 'rate_limited:account')).toBe(19);
  });
});
