// The crash test: a worker process is killed with SIGKILL at each step of a rotation in
// turn, once after its provider work but before it is recorded and once right after it is
// recorded (ROTATION_KILL_AT). Then a real worker (pg-boss queues and the crash-recovery
// sweep, the minute tick switched off) must finish the run by itself, within seconds of
// the dead worker's short lease lapsing, exactly once: one new provider version, the right
// labels, each step recorded once, the step taken over from the dead worker marked as
// recovered. A person's rollback or cancel whose request dies after its provider work is
// finished the same way, never run forward. The killed processes are the real
// `scripts/worker.ts --once` (and a person's step in a process of its own), reaching the
// AWS emulator and the test database over loopback.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationRun } from '@/generated/prisma/client';
import type { RotationState } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { startRotation } from '@/lib/data/rotations';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { startWorker } from '@/lib/jobs/worker';
import { providerFor } from '@/lib/providers/index';
import { advanceRotation } from '@/lib/rotation/engine';
import { dbConsumer, type DbConsumer } from '../support/db-consumer';
import { postgresServer, type TestDatabaseServer } from '../support/database-servers';
import { auditEventsFor, callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { aws, gcp } = useSecretManagerEmulators({ 'crash-project': '424242424242' });

/** Runs a script in a child process; resolves with how it ended. */
function childProcess(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, WORKER_ID: 'crash-test-worker', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

/** One worker pass (`worker --once`) in a child process. */
const workerPass = (env: Record<string, string>) => childProcess(['scripts/worker.ts', '--once'], env);

/** A person's rollback or cancel, as its own "request" process. */
const personStep = (step: 'rollback' | 'cancel' | 'retire', runId: string, caller: Caller, env: Record<string, string>) =>
  childProcess(['test/support/rotation-person-step.ts', step, runId, JSON.stringify(caller.user)], env);

/** The killed processes hold leases this short, so the test need not wait out the default. */
const SHORT_LEASE = { ROTATION_LEASE_SECONDS: '2' };

/**
 * Starts a real worker under another id, with the minute tick switched off (only the sweep
 * can find the run) and a short sweep interval, and waits until the run reaches `until`.
 */
async function resumedByWorker(runId: string, until: RotationState): Promise<RotationRun> {
  const worker = await startWorker({
    workerId: `resumer-${randomUUID().slice(0, 8)}`,
    sweepIntervalMs: 200,
    pollingIntervalSeconds: 0.5,
    handlers: { rotationTick: async () => [] },
  });
  try {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const run = await db.rotationRun.findUniqueOrThrow({ where: { id: runId } });
      if (run.state === until || Date.now() > deadline) return run;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await worker.stop({ timeoutMs: 10_000 });
  }
}

/** An AWS secret with a generated-strategy rotation just started; its current version. */
async function startedRotation(graceHours: number) {
  const engineer = await callerAs('engineer');
  const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
  const secret = await seedConnectedSecret(connection.id);
  await joinOwningTeam(engineer, secret.id);
  await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated' } });
  await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `initial-${randomUUID()}`);
  const { runId } = await startRotation(engineer, secret.id, { graceHours });
  const previous = (await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).previousVersionId!;
  return { engineer, secret, runId, previous };
}

/** The rotation steps the secret's audit trail records, with the recovered mark if any. */
async function rotationSteps(secretId: string) {
  return (await auditEventsFor(secretId))
    .filter((e) => e.action.startsWith('rotation.'))
    .map((e) => {
      const detail = (e.detail ?? {}) as { recovered?: boolean; recoveredFrom?: string };
      return detail.recovered ? `${e.action} (recovered from ${detail.recoveredFrom})` : e.action;
    });
}

function awsLabels(providerRef: string) {
  const versions = aws.describe(providerRef)!.versions;
  return { count: versions.length, labelled: Object.fromEntries(versions.map((v) => [v.versionId, v.stages])) };
}

const STEPS = ['value_written', 'verified', 'promoted', 'grace_ended'];
const KILL_POINTS = STEPS.flatMap((step) => [`before:${step}`, `after:${step}`]);
/** The audit trail of every run that got as far as a verified new value. */
const VERIFIED_STEPS = ['rotation.start', 'rotation.value_written', 'rotation.verified'];

describe('a worker killed after each step', () => {
  for (const point of KILL_POINTS) {
    it(`killed at ${point}: another worker's sweep finishes the rotation exactly once`, async () => {
      const { secret, runId, previous } = await startedRotation(0);

      const killed = await workerPass({ ROTATION_KILL_AT: point, ...SHORT_LEASE });
      expect(killed.signal, killed.output).toBe('SIGKILL');
      const run = await resumedByWorker(runId, 'completed');

      expect(run.state).toBe('completed');
      const { count, labelled } = awsLabels(secret.providerRef);
      expect(count, 'the initial version and exactly one new one').toBe(2);
      expect(labelled[run.newVersionId!]).toEqual(['AWSCURRENT']);
      expect(labelled[previous]).toEqual([]); // retired: grace period zero
      // Each step once; the one the dead worker was recording is marked as taken over.
      const [when, killedStep] = point.split(':');
      const expected = ['rotation.start', ...STEPS.map((s) => `rotation.${s}`)].map((a) =>
        when === 'before' && a === `rotation.${killedStep}` ? `${a} (recovered from worker)` : a,
      );
      expect(await rotationSteps(secret.id)).toEqual(expected);
      expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(2);
    }, 90_000);
  }

  it('a restarted worker with the same WORKER_ID takes back its own lease at once', async () => {
    const { secret, runId } = await startedRotation(0);
    // The default lease (seconds), not yet lapsed when the restart claims the run.
    expect((await workerPass({ ROTATION_KILL_AT: 'before:promoted' })).signal).toBe('SIGKILL');
    const restarted = await workerPass({});
    expect(restarted.code, restarted.output).toBe(0);

    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).state).toBe('completed');
    expect(awsLabels(secret.providerRef).count).toBe(2);
    expect(await rotationSteps(secret.id)).toEqual([...VERIFIED_STEPS, 'rotation.promoted (recovered from worker)', 'rotation.grace_ended']);
  }, 90_000);
});

describe("a person's request killed after its provider work", () => {
  it('rollback: the labels moved back but nothing recorded it; the sweep records the rollback, it does not end the grace period', async () => {
    const { engineer, secret, runId, previous } = await startedRotation(1);
    await advanceRotation(runId, appClock(), 'crash-test-setup');
    const promoted = await db.rotationRun.findUniqueOrThrow({ where: { id: runId } });
    expect(promoted.state).toBe('in_grace');
    // The grace period is over before the worker looks: without the person's mark on the
    // lease, the worker would end it and retire the version the rollback made current.
    const past = new Date(Date.now() - 1000);
    await db.rotationRun.update({ where: { id: runId }, data: { graceEndsAt: past, nextAttemptAt: past } });

    const killed = await personStep('rollback', runId, engineer, { ROTATION_KILL_AT: 'before:rolled_back', ...SHORT_LEASE });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(awsLabels(secret.providerRef).labelled[previous]).toContain('AWSCURRENT');
    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).state).toBe('in_grace');

    const run = await resumedByWorker(runId, 'rolled_back');
    expect(run.state).toBe('rolled_back');
    expect(run.leaseStep).toBeNull();
    const { count, labelled } = awsLabels(secret.providerRef);
    expect(count).toBe(2);
    expect(labelled[previous]).toContain('AWSCURRENT');
    expect(labelled[promoted.newVersionId!]).not.toContain('AWSCURRENT');
    expect(await rotationSteps(secret.id)).toEqual([...VERIFIED_STEPS, 'rotation.promoted', 'rotation.rolled_back (recovered from person)']);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).activeRotationId).toBeNull();
  }, 90_000);

  it('cancel: the new version was withdrawn but nothing recorded it; the sweep records the cancel instead of promoting', async () => {
    const { engineer, secret, runId, previous } = await startedRotation(0);
    // A worker stops right after verifying: the run is due for promotion.
    expect((await workerPass({ ROTATION_KILL_AT: 'after:verified' })).signal).toBe('SIGKILL');

    const killed = await personStep('cancel', runId, engineer, { ROTATION_KILL_AT: 'before:cancelled', ...SHORT_LEASE });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).state).toBe('verified');

    const run = await resumedByWorker(runId, 'cancelled');
    expect(run.state).toBe('cancelled');
    const { labelled } = awsLabels(secret.providerRef);
    expect(labelled[previous]).toEqual(['AWSCURRENT']);
    expect(labelled[run.newVersionId!] ?? []).not.toContain('AWSCURRENT');
    expect(await rotationSteps(secret.id)).toEqual([...VERIFIED_STEPS, 'rotation.cancelled (recovered from person)']);
  }, 90_000);
});

describe("a person's retire-now killed after its provider work", () => {
  it('the old version was retired but nothing recorded it; the sweep records the retirement as the person decided it', async () => {
    const { engineer, secret, runId, previous } = await startedRotation(24);
    await advanceRotation(runId, appClock(), 'crash-test-setup');
    const promoted = await db.rotationRun.findUniqueOrThrow({ where: { id: runId } });
    expect(promoted.state).toBe('in_grace');

    const killed = await personStep('retire', runId, engineer, { ROTATION_KILL_AT: 'before:grace_ended', ...SHORT_LEASE });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(awsLabels(secret.providerRef).labelled[previous]).toEqual([]); // retired at the provider
    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).leaseStep).toBe('grace_ended');

    const run = await resumedByWorker(runId, 'completed');
    expect(run.state).toBe('completed');
    expect(run.leaseStep).toBeNull();
    expect(awsLabels(secret.providerRef).labelled[promoted.newVersionId!]).toEqual(['AWSCURRENT']);
    expect(await rotationSteps(secret.id)).toEqual([...VERIFIED_STEPS, 'rotation.promoted', 'rotation.grace_ended (recovered from person)']);
    const ended = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.grace_ended');
    expect(ended?.detail).toMatchObject({ decision: 'person' });
  }, 90_000);
});

describe('GCP, which has no write tokens', () => {
  it('a worker killed after adding the version but before recording it: the restart adopts that version instead of adding another', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('gcp', { projectId: 'crash-project', endpoint: gcp.endpoint });
    const name = `crash-${randomUUID().slice(0, 8)}`;
    const secret = await seedConnectedSecret(connection.id, { name, providerRef: `production-${name}` });
    await joinOwningTeam(engineer, secret.id);
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated' } });
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `initial-${randomUUID()}`);
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 });

    expect((await workerPass({ ROTATION_KILL_AT: 'before:value_written' })).signal).toBe('SIGKILL');
    expect((await workerPass({})).code).toBe(0);

    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).state).toBe('completed');
    const versions = await providerFor({ kind: 'gcp', projectId: 'crash-project', endpoint: gcp.endpoint }).listVersions(secret.providerRef);
    expect(versions.map((v) => [v.versionId, v.state])).toEqual([
      ['2', 'enabled'],
      ['1', 'disabled'],
    ]);
  }, 60_000);
});

describe('alternating users (PostgreSQL) with a consumer process, a worker killed after each step', () => {
  let server: TestDatabaseServer;
  const consumers: DbConsumer[] = [];
  beforeAll(async () => {
    server = await postgresServer.start();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await server?.stop();
  });

  /** An AWS secret holding a credential for user a (of a and b), a declared consumer
   *  process holding a pool with it and following AWSCURRENT, and a rotation just started. */
  async function alternatingRotation() {
    const engineer = await callerAs('engineer');
    const suffix = randomUUID().slice(0, 6);
    const [userA, userB] = [`crash_${suffix}_a`, `crash_${suffix}_b`];
    const passwordA = `pw${randomUUID().replaceAll('-', '')}`;
    await server.createUser(userA, passwordA);
    await server.createUser(userB, `pw${randomUUID().replaceAll('-', '')}`);
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    const secret = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, secret.id);
    const holder = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, holder.id);
    await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
    await db.databaseHost.upsert({ where: { host: server.host }, update: { allowInsecureTls: true }, create: { host: server.host, allowInsecureTls: true } });
    await writeSecretValue(engineer, holder.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(server.adminCredential));
    const application = `orders-${suffix}`;
    const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const system = await db.system.create({ data: { name: `orders-api-${suffix}`, ownerTeamId, principals: [`app:${application}`] } });
    await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
    const config = { engine: 'postgres', adminSecretId: holder.id, userA, userB, sslmode: 'disable', retireMode: 'random_password' };
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'alternating_users', rotationConfig: config, stragglerPolicy: 'retire' } });
    const value = { engine: 'postgres', host: server.host, port: server.port, database: server.database, username: userA, password: passwordA };
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(value));
    const consumer = dbConsumer({
      source: { kind: 'aws', endpoint: aws.endpoint, region: 'us-east-1', secretId: secret.providerRef },
      engine: 'postgres',
      applicationName: application,
    });
    consumers.push(consumer);
    await consumer.start();
    // An hour of grace: only the consumer's move lets the old user go before then.
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 1 });
    return { secret, system, runId, userA, userB, passwordA, consumer };
  }

  /** One worker pass reaches every step up to the promotion; the retirement (grace_ended)
   *  comes only once a look at the database finds the consumer moved, which a pass made
   *  right after the promotion may not yet see. So passes run until one is killed at
   *  `point` (a pass that is not killed did not take that step). */
  async function passesUntilKilled(point: string) {
    for (let pass = 1; ; pass += 1) {
      const result = await workerPass({ ROTATION_KILL_AT: point, ...SHORT_LEASE });
      if (result.signal || pass === 30) return result;
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the next look is due a poll later
    }
  }

  for (const point of KILL_POINTS) {
    it(`killed at ${point}: finished exactly once, the old user retired only after the consumer moved`, async () => {
      const { secret, system, runId, userA, userB, passwordA, consumer } = await alternatingRotation();
      expect(consumer.stats().user).toBe(userA);

      const killed = await passesUntilKilled(point);
      expect(killed.signal, killed.output).toBe('SIGKILL');
      const run = await resumedByWorker(runId, 'completed');

      expect(run).toMatchObject({ state: 'completed', newUser: userB, retiringUser: userA });
      expect(awsLabels(secret.providerRef).count, 'the initial version and exactly one new one').toBe(2);
      const [when, killedStep] = point.split(':');
      const steps = (await rotationSteps(secret.id)).filter((a) => !a.startsWith('rotation.consumer_moved'));
      expect(steps).toEqual(
        ['rotation.start', ...STEPS.map((s) => `rotation.${s}`)].map((a) =>
          when === 'before' && a === `rotation.${killedStep}` ? `${a} (recovered from worker)` : a,
        ),
      );
      const events = await auditEventsFor(secret.id);
      expect(events.filter((e) => e.action === 'rotation.consumer_moved')).toHaveLength(1);
      expect(events.find((e) => e.action === 'rotation.grace_ended')?.detail).toMatchObject({ decision: 'all_moved', retiredUser: userA });
      // Retired only after the consumer was seen on the new user.
      const [row] = await db.rotationAdoption.findMany({ where: { runId } });
      expect(row).toMatchObject({ systemId: system.id, onOld: false });
      expect(row.movedAt!.getTime()).toBeLessThanOrEqual(run.finishedAt!.getTime());
      // The value current at the provider logs in; the old user's password does not.
      const current = JSON.parse((await providerFor({ kind: 'aws', region: 'us-east-1', endpoint: aws.endpoint }).readValue(secret.providerRef)).reveal());
      expect(current.username).toBe(userB);
      expect(await server.canLogIn(userB, current.password)).toBe(true);
      expect(await server.canLogIn(userA, passwordA)).toBe(false);
      const stats = await consumer.stop();
      expect(stats).toMatchObject({ user: userB, failures: 0 });
    }, 90_000);
  }
});
