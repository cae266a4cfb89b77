// Alternating users end to end, on PostgreSQL (a server that checks passwords) and on
// MariaDB: consumers are real processes holding connection pools (../support/db-consumer.ts).
// A rotation gives the idle user a new password and names it; the consumer keeps working
// on the old user through the grace period, moves, and only then is the old user retired
// (early: every declared consumer moved). A consumer that never moves holds the retirement
// (policy hold) and is named; extend_once extends once; the next rotation flips back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StragglerPolicy } from '@/generated/prisma/enums';
import { ManualClock } from '@/lib/clock';
import { retireOldValueNow, startRotation } from '@/lib/data/rotations';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { LocalProvider } from '@/lib/providers/local';
import { advanceRotation } from '@/lib/rotation/engine';
import { dbConsumer, type DbConsumer } from '../support/db-consumer';
import { eventually } from '../support/eventually';
import { databaseServers, type TestDatabaseServer } from '../support/database-servers';
import { auditEventsFor, callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const HOUR = 3_600_000;
const runOf = (id: string) => db.rotationRun.findUniqueOrThrow({ where: { id } });
const password = () => `pw${randomUUID().replaceAll('-', '')}`;
const localSource = (providerRef: string) => ({
  kind: 'local' as const,
  dir: process.env.LOCAL_PROVIDER_DIR!,
  key: process.env.LOCAL_PROVIDER_KEY!,
  providerRef,
});

for (const serverOf of databaseServers) {
  describe(`alternating users on ${serverOf.label}`, () => {
    let server: TestDatabaseServer;
    const consumers: DbConsumer[] = [];
    beforeAll(async () => {
      server = await serverOf.start();
    }, 120_000);
    afterAll(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      await server?.stop();
    });

    /** Two users with the same grants, a secret naming the first, its admin credential, and
     *  a declared consumer system whose principal names its sessions. */
    async function setUp(policy: StragglerPolicy, retireMode: 'random_password' | 'disable_login' = 'random_password') {
      const suffix = randomUUID().slice(0, 6);
      const [userA, userB] = [`app_${suffix}_a`, `app_${suffix}_b`];
      const passwordA = password();
      await server.createUser(userA, passwordA);
      await server.createUser(userB, password());
      const engineer = await callerAs('engineer');
      const connection = await seedConnection('local');
      const secret = await seedConnectedSecret(connection.id);
      await joinOwningTeam(engineer, secret.id);
      const holder = await seedConnectedSecret(connection.id);
      await joinOwningTeam(engineer, holder.id);
      await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
      await db.databaseHost.upsert({ where: { host: server.host }, update: { allowInsecureTls: true }, create: { host: server.host, allowInsecureTls: true } });
      await writeSecretValue(engineer, holder.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(server.adminCredential));
      const application = `orders-${suffix}`;
      const system = await db.system.create({
        data: {
          name: `orders-api-${suffix}`,
          ownerTeamId: (await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).ownerTeamId,
          principals: [server.principalFor(application)],
        },
      });
      await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
      const config = { engine: server.engine, adminSecretId: holder.id, userA, userB, sslmode: 'disable', retireMode };
      await db.secret.update({
        where: { id: secret.id },
        data: { rotationStrategy: 'alternating_users', rotationConfig: config, graceHours: 24, stragglerPolicy: policy },
      });
      const value = { engine: server.engine, host: server.host, port: server.port, database: server.database, username: userA, password: passwordA };
      await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(value));
      const consumer = (sticky: boolean, app = application, localAddress?: string) => {
        const c = dbConsumer({ source: localSource(secret.providerRef), engine: server.engine, applicationName: app, sticky, localAddress });
        consumers.push(c);
        return c;
      };
      return { engineer, secret, system, userA, userB, passwordA, consumer };
    }

    const current = async (providerRef: string) =>
      JSON.parse((await new LocalProvider().readValue(providerRef)).reveal()) as { username: string; password: string };
    const adoptionsOf = (runId: string) => db.rotationAdoption.findMany({ where: { runId }, orderBy: { consumerKey: 'asc' } });

    /** Advances the run every (test-clock) poll until `done`, giving the consumers real time to act. */
    async function advanceUntil(runId: string, clock: ManualClock, done: (run: Awaited<ReturnType<typeof runOf>>) => boolean) {
      return eventually(
        async () => {
          clock.advance(2_000);
          await advanceRotation(runId, clock, 'worker');
          return runOf(runId);
        },
        done,
        30_000,
        200,
      );
    }

    it('keeps the consumer working on the old user through the grace period, retires the old user early once it moved, and never before', async () => {
      const { engineer, secret, system, userA, userB, passwordA, consumer } = await setUp('retire');
      const app = consumer(true); // holds user a until told to follow
      await app.start();
      expect(app.stats().user).toBe(userA);
      const clock = new ManualClock();
      const { runId } = await startRotation(engineer, secret.id, {}, clock);
      await advanceRotation(runId, clock, 'worker');
      let run = await runOf(runId);
      expect(run).toMatchObject({ state: 'in_grace', newUser: userB, retiringUser: userA });
      expect((await current(secret.providerRef)).username).toBe(userB);
      let rows = await adoptionsOf(runId);
      expect(rows.map((r) => [r.label, r.declared, r.onOld, r.movedAt])).toEqual([[system.name, true, true, null]]);

      // A while later, still on the old user: nothing retired, the old password still logs in.
      const firstCheck = run.adoptionCheckedAt!.getTime();
      run = await advanceUntil(runId, clock, (r) => r.adoptionCheckedAt !== null && r.adoptionCheckedAt.getTime() > firstCheck);
      expect(run.state).toBe('in_grace');
      expect(await server.canLogIn(userA, passwordA)).toBe(true);

      app.follow();
      await app.until((s) => s.user === userB);
      run = await advanceUntil(runId, clock, (r) => r.state !== 'in_grace');
      expect(run.state).toBe('completed');
      expect(run.finishedAt!.getTime()).toBeLessThan(run.graceEndsAt!.getTime()); // early
      rows = await adoptionsOf(runId);
      expect(rows[0]).toMatchObject({ label: system.name, onOld: false });
      expect(rows[0].movedAt).not.toBeNull();
      const events = await auditEventsFor(secret.id);
      expect(events.find((e) => e.action === 'rotation.consumer_moved')?.detail).toMatchObject({ runId, consumer: system.name, systemId: system.id });
      expect(events.find((e) => e.action === 'rotation.grace_ended')?.detail).toMatchObject({ decision: 'all_moved', stragglers: [], retiredUser: userA });
      // The old user is retired: its password logs in no more; the new one does.
      expect(await server.canLogIn(userA, passwordA)).toBe(false);
      const now = await current(secret.providerRef);
      expect(await server.canLogIn(userB, now.password)).toBe(true);
      const final = await app.stop();
      expect(final.queries).toBeGreaterThan(0);
      expect(final.failures).toBe(0);
    }, 90_000);

    it('an undeclared reader on the old user is a finding, and holds the early retirement until it leaves', async () => {
      const { engineer, secret, userB, consumer } = await setUp('retire');
      const app = consumer(false);
      // Another program (PostgreSQL: another application name; MySQL: another client address).
      const stranger = consumer(true, `batch-${randomUUID().slice(0, 6)}`, server.strangerAddress);
      await app.start();
      await stranger.start();
      const clock = new ManualClock();
      const { runId } = await startRotation(engineer, secret.id, {}, clock);
      await advanceRotation(runId, clock, 'worker');
      await app.until((s) => s.user === userB);
      // The declared consumer moved; the stranger still holds the old user.
      const run = await advanceUntil(runId, clock, (r) => r.adoptionCheckedAt !== null);
      expect(run.state).toBe('in_grace');
      const finding = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.undeclared_reader');
      expect(finding?.detail).toMatchObject({ runId, onOld: true });
      await stranger.stop();
      expect((await advanceUntil(runId, clock, (r) => r.state !== 'in_grace')).state).toBe('completed');
    }, 90_000);

    it('policy hold: a consumer that never moves holds the retirement and is named; a person retires the old value', async () => {
      const { engineer, secret, system, userA, passwordA, consumer } = await setUp('hold');
      const channel = await db.notificationChannel.create({
        data: { name: `held-${randomUUID().slice(0, 6)}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['rotation.held'], enabled: true },
      });
      const straggler = consumer(true);
      await straggler.start();
      const clock = new ManualClock();
      const { runId } = await startRotation(engineer, secret.id, {}, clock);
      await advanceRotation(runId, clock, 'worker');
      clock.advance(25 * HOUR);
      await advanceRotation(runId, clock, 'worker');
      let run = await runOf(runId);
      expect(run.state).toBe('in_grace');
      expect(run.heldAt).not.toBeNull();
      const held = (await auditEventsFor(secret.id)).filter((e) => e.action === 'rotation.held');
      expect(held).toHaveLength(1);
      expect(held[0].detail).toMatchObject({ runId, stragglers: [system.name] });
      const delivery = await db.notificationDelivery.findFirstOrThrow({ where: { channelId: channel.id, event: 'rotation.held' } });
      expect(delivery.payload).toMatchObject({ stragglers: [system.name], run: { id: runId } });
      // Still held later; held once (one audit event, one notice).
      clock.advance(HOUR);
      await advanceRotation(runId, clock, 'worker');
      expect((await runOf(runId)).state).toBe('in_grace');
      expect(await server.canLogIn(userA, passwordA)).toBe(true);
      expect((await auditEventsFor(secret.id)).filter((e) => e.action === 'rotation.held')).toHaveLength(1);

      await retireOldValueNow(engineer, runId, clock);
      run = await runOf(runId);
      expect(run.state).toBe('completed');
      expect((await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.grace_ended')?.detail).toMatchObject({
        decision: 'person',
        stragglers: [system.name],
        retiredUser: userA,
      });
      expect(await server.canLogIn(userA, passwordA)).toBe(false);
    }, 90_000);

    it('policy extend_once: extends the grace period once, then retires with the stragglers named', async () => {
      const { engineer, secret, system, consumer } = await setUp('extend_once');
      const straggler = consumer(true);
      await straggler.start();
      const clock = new ManualClock();
      const { runId } = await startRotation(engineer, secret.id, {}, clock);
      await advanceRotation(runId, clock, 'worker');
      const firstEnd = (await runOf(runId)).graceEndsAt!;
      clock.advance(25 * HOUR);
      await advanceRotation(runId, clock, 'worker');
      let run = await runOf(runId);
      expect(run.state).toBe('in_grace');
      expect(run.graceEndsAt!.getTime()).toBe(firstEnd.getTime() + 24 * HOUR);
      expect(run.graceExtendedAt).not.toBeNull();
      const extended = (await auditEventsFor(secret.id)).filter((e) => e.action === 'rotation.grace_extended');
      expect(extended.map((e) => e.detail)).toMatchObject([{ runId, stragglers: [system.name] }]);
      clock.advance(24 * HOUR);
      await advanceRotation(runId, clock, 'worker');
      run = await runOf(runId);
      expect(run.state).toBe('completed');
      expect((await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.grace_ended')?.detail).toMatchObject({
        decision: 'stragglers_retired',
        stragglers: [system.name],
      });
    }, 90_000);

    it('the next rotation flips back to the first user, which may log in again after disable_login', async () => {
      const { engineer, secret, userA, userB, passwordA, consumer } = await setUp('retire', 'disable_login');
      const app = consumer(false);
      await app.start();
      const clock = new ManualClock();
      for (const [from, to] of [
        [userA, userB],
        [userB, userA],
      ]) {
        const { runId } = await startRotation(engineer, secret.id, {}, clock);
        await advanceRotation(runId, clock, 'worker');
        expect(await runOf(runId)).toMatchObject({ newUser: to, retiringUser: from });
        await app.until((s) => s.user === to);
        expect((await advanceUntil(runId, clock, (r) => r.state !== 'in_grace')).state).toBe('completed');
        const value = await current(secret.providerRef);
        expect(value.username).toBe(to);
        expect(await server.canLogIn(to, value.password)).toBe(true);
      }
      expect(await server.canLogIn(userA, passwordA)).toBe(false); // its password changed
      expect(await server.canLogIn(userB, 'anything')).toBe(false); // NOLOGIN now
      expect((await app.stop()).failures).toBe(0);
    }, 120_000);
  });
}
