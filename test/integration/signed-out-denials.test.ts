// Denied requests from signed-out clients are aggregated per address and minute: a loop
// of 1,000 anonymous requests leaves at most a few audit rows and takes no chain lock per
// request; the worker's flush writes one summary event per address and minute with the
// count. Sign-in attempts refused by the throttle count the same way. Signed-in callers'
// denials stay one event each.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { flushSignedOutDenials, SIGNED_OUT_DENIALS_ACTION } from '@/lib/audit/signed-out-denials';
import { authorize } from '@/lib/auth/authorize';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { hashPassword } from '@/lib/auth/password';
import { callerFor, type Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { callerAs, seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

let nextAddress = 1;
const anonymousFrom = (): Caller => callerFor(null, { ...TEST_REQUEST, ip: `192.0.2.${nextAddress++}`, userAgent: 'curl/8.0' });

const deny = (caller: Caller, action = 'secret.list') =>
  authorize(caller, 'secrets.read', { action, targetType: 'secret' }).then(
    () => {
      throw new Error('allowed');
    },
    (error: unknown) => expect(error).toBeInstanceOf(ForbiddenError),
  );

const eventsFrom = (ip: string) => db.auditEvent.findMany({ where: { ip }, orderBy: { id: 'asc' } });
const chainSeq = async () => (await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`)[0].seq;

/** Waits out the last seconds of the database's minute, so a test's requests share one minute. */
async function awayFromMinuteEnd() {
  const [{ second }] = await db.$queryRaw<{ second: number }[]>`SELECT extract(second FROM clock_timestamp())::float8 AS second`;
  if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

/** Closes every minute up to now, as the worker does for past minutes. */
const flushAll = () => flushSignedOutDenials(new Date(Date.now() + 120_000));

describe('signed-out denials', () => {
  it('1,000 from one address: a few audit rows, then one summary with the count', async () => {
    const caller = anonymousFrom();
    const ip = caller.request.ip!;
    const seqBefore = await chainSeq();
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => deny(caller, i % 2 ? 'secret.list' : 'audit.list')));
    }
    // The first of each minute is an event of its own (two if the loop crossed a minute).
    const individual = await eventsFrom(ip);
    expect(individual.length).toBeGreaterThanOrEqual(1);
    expect(individual.length).toBeLessThanOrEqual(2);
    expect(individual[0]).toMatchObject({ actorId: null, outcome: 'denied', detail: { permission: 'secrets.read', reason: 'signed_out' } });
    expect(await chainSeq()).toBe(seqBefore + BigInt(individual.length));

    await flushAll();
    const all = await eventsFrom(ip);
    const summaries = all.filter((e) => e.action === SIGNED_OUT_DENIALS_ACTION);
    expect(all.length).toBeLessThanOrEqual(4);
    const repeats = summaries.reduce((n, e) => n + Number((e.detail as { repeats: number }).repeats), 0);
    expect(individual.length + repeats).toBe(1000);
    expect(summaries[0]).toMatchObject({
      outcome: 'denied',
      actorId: null,
      ip,
      userAgent: 'curl/8.0',
      detail: { reason: 'signed_out', actions: expect.stringMatching(/^(audit\.list secret\.list|secret\.list audit\.list)$/) },
    });
    // Flushed once: a second flush (another worker) finds nothing.
    expect(await flushAll()).toBe(0);
    expect(await eventsFrom(ip)).toHaveLength(all.length);
  });

  it('take no chain lock after the first: they finish while another transaction holds it', async () => {
    await awayFromMinuteEnd();
    const caller = anonymousFrom();
    await deny(caller);
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      // Were any of these to append to the chain, it would wait for the holder (and time out).
      for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 20 }, () => deny(caller)));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await eventsFrom(caller.request.ip!)).toHaveLength(1);
    const [counted] = await db.$queryRaw<{ count: number }[]>`SELECT count FROM signed_out_denials WHERE source = ${caller.request.ip}`;
    expect(counted.count).toBe(201);
  });

  it('a single denial is one event and needs no summary', async () => {
    const caller = anonymousFrom();
    await deny(caller);
    await flushAll();
    expect((await eventsFrom(caller.request.ip!)).map((e) => e.action)).toEqual(['secret.list']);
  });

  it('from different addresses are counted apart', async () => {
    await awayFromMinuteEnd();
    const [a, b] = [anonymousFrom(), anonymousFrom()];
    for (let i = 0; i < 5; i++) await Promise.all([deny(a), deny(b), deny(b)]);
    await flushAll();
    for (const [caller, total] of [
      [a, 5],
      [b, 10],
    ] as const) {
      const events = await eventsFrom(caller.request.ip!);
      expect(events.map((e) => e.action)).toEqual(['secret.list', SIGNED_OUT_DENIALS_ACTION]);
      expect(events[1].detail).toMatchObject({ repeats: total - 1 });
    }
  });

  it('sign-in attempts past the throttle are counted too, after the first', async () => {
    await awayFromMinuteEnd();
    const user = await seedUser('viewer', { passwordHash: await hashPassword('the right password') });
    const caller = anonymousFrom();
    for (let i = 0; i < 5; i++)
      expect(await signInWithPassword(caller, { email: user.email, password: `wrong-${i}` })).toEqual({ ok: false, reason: 'invalid' });
    for (let i = 0; i < 100; i++)
      expect(await signInWithPassword(caller, { email: user.email, password: 'the right password' })).toEqual({ ok: false, reason: 'throttled' });
    const reasons = (await eventsFrom(caller.request.ip!)).map((e) => (e.detail as { reason: string }).reason);
    expect(reasons).toEqual([...Array(5).fill('wrong_password'), 'rate_limited']);
    await flushAll();
    const summary = (await eventsFrom(caller.request.ip!)).at(-1);
    expect(summary).toMatchObject({ action: SIGNED_OUT_DENIALS_ACTION, detail: { repeats: 99, actions: 'auth.sign_in' } });
  });

  it('signed-in callers’ denials stay one event each', async () => {
    const viewer = await callerAs('viewer');
    for (let i = 0; i < 5; i++) {
      await expect(authorize(viewer, 'admin.users', { action: 'user.list', targetType: 'user' })).rejects.toBeInstanceOf(ForbiddenError);
    }
    const denied = await db.auditEvent.findMany({ where: { actorId: viewer.user!.id, outcome: 'denied' } });
    expect(denied).toHaveLength(5);
    expect(denied.every((e) => (e.detail as { reason: string }).reason === 'missing_permission')).toBe(true);
  });
});
