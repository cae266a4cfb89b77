// Each rotation strategy end to end through the engine, against the cloud emulators with
// the real SDKs and against a PostgreSQL that checks passwords: labels and states at the
// provider after each phase, and a fault storm in which every rotation ends cleanly.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { startRotation } from '@/lib/data/rotations';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { LocalProvider } from '@/lib/providers/local';
import { providerFor } from '@/lib/providers/index';
import { advanceRotation } from '@/lib/rotation/engine';
import { mariadbServer, postgresServer, type TestDatabaseServer } from '../support/database-servers';
import { canLogIn, startPasswordPostgres, type PasswordPostgres } from '../support/password-postgres';
import { callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const HOUR = 3_600_000;
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-db';
const { aws, gcp } = useSecretManagerEmulators({ 'rotation-project': '777777777777' });

type Kind = 'aws' | 'gcp' | 'local';
async function secretWithValue(
  kind: Kind,
  strategy: 'generated' | 'provider_native' | 'postgres_role',
  config: object = {},
  value = `initial-${randomUUID()}`,
) {
  const engineer = await callerAs('engineer');
  const connection = await seedConnection(
    kind,
    kind === 'aws' ? { region: 'us-east-1', endpoint: aws.endpoint } : kind === 'gcp' ? { projectId: 'rotation-project', endpoint: gcp.endpoint } : {},
  );
  const name = `db-${randomUUID().slice(0, 8)}`;
  const secret = await seedConnectedSecret(connection.id, { name, providerRef: kind === 'gcp' ? `production-${name}` : `production/${name}` });
  await joinOwningTeam(engineer, secret.id);
  await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: strategy, rotationConfig: config, graceHours: 24 } });
  await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
  return { engineer, secret, connectionId: connection.id };
}

/** Like DescribeSecret's VersionIdsToStages: labelled versions only. */
function stagesOf(ref: string): Record<string, string[]> {
  const versions = aws.describe(ref)!.versions.filter((v) => v.stages.length);
  return Object.fromEntries(versions.map((v) => [v.versionId, v.stages]));
}

const runOf = (id: string) => db.rotationRun.findUniqueOrThrow({ where: { id } });

/** Advances with the clock moving forward until the run is finished (or stops moving). */
async function driveToEnd(runId: string, clock: ManualClock, stepMs = HOUR) {
  for (let i = 0; i < 40; i += 1) {
    await advanceRotation(runId, clock, 'worker');
    const run = await runOf(runId);
    if (['completed', 'failed', 'rolled_back', 'cancelled'].includes(run.state)) return run;
    clock.advance(stepMs);
  }
  return runOf(runId);
}

describe('generated values', () => {
  it('AWS: the new version waits as AWSPENDING, becomes AWSCURRENT with the old one AWSPREVIOUS, which is retired after the grace period', async () => {
    const { engineer, secret } = await secretWithValue('aws', 'generated', { alphabet: 'hex', length: 40 });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    const previous = (await runOf(runId)).previousVersionId!;
    await advanceRotation(runId, clock, 'worker');
    const run = await runOf(runId);
    expect(run.state).toBe('in_grace');
    let stages = stagesOf(secret.providerRef);
    expect(stages[run.newVersionId!]).toEqual(['AWSCURRENT']);
    expect(stages[previous]).toEqual(['AWSPREVIOUS']);
    expect(aws.storedValues().at(-1)).toMatch(/^[0-9a-f]{40}$/);

    clock.advance(25 * HOUR);
    await advanceRotation(runId, clock, 'worker');
    expect((await runOf(runId)).state).toBe('completed');
    stages = stagesOf(secret.providerRef);
    expect(stages[previous]).toBeUndefined(); // deprecated: no label left
    expect(stages[run.newVersionId!]).toEqual(['AWSCURRENT']);
  });

  it('GCP: the new version is the newest ENABLED one; the old one is disabled after the grace period', async () => {
    const { engineer, secret } = await secretWithValue('gcp', 'generated');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    const run = await driveToEnd(runId, clock, 25 * HOUR);
    expect(run).toMatchObject({ state: 'completed', previousVersionId: '1', newVersionId: '2' });
    const versions = await (
      await import('@/lib/providers/index')
    )
      .providerFor({ kind: 'gcp', projectId: 'rotation-project', endpoint: gcp.endpoint })
      .listVersions(secret.providerRef);
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['2', 'enabled', true],
      ['1', 'disabled', false],
    ]);
  });
});

describe('adoption of provider secrets', () => {
  it('AWS: the previous version is retired early once every declared consumer read the current one after promotion', async () => {
    const { engineer, secret, connectionId } = await secretWithValue('aws', 'generated');
    const arn = `arn:aws:iam::123456789012:role/orders-${randomUUID().slice(0, 6)}`;
    const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const system = await db.system.create({ data: { name: `orders-${randomUUID().slice(0, 6)}`, ownerTeamId, principals: [arn] } });
    await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    const previous = (await runOf(runId)).previousVersionId!;
    await advanceRotation(runId, clock, 'worker');
    const promoted = await runOf(runId);
    expect(promoted.state).toBe('in_grace');
    expect(await db.rotationAdoption.findMany({ where: { runId } })).toMatchObject([{ systemId: system.id, declared: true, movedAt: null }]);

    // Nothing read yet: a look later changes nothing.
    clock.advance(60_000);
    await advanceRotation(runId, clock, 'worker');
    expect((await runOf(runId)).state).toBe('in_grace');
    expect(stagesOf(secret.providerRef)[previous]).toEqual(['AWSPREVIOUS']);

    // The consumer's read of AWSCURRENT after promotion, as CloudTrail logged it.
    await db.accessEvent.create({
      data: {
        connectionId,
        providerEventId: randomUUID(),
        occurredAt: new Date(promoted.promotedAt!.getTime() + 30_000),
        eventName: 'GetSecretValue',
        principal: arn,
        principalType: 'AssumedRole',
        secretRef: secret.providerRef,
        secretId: secret.id,
        summary: { versionStage: 'AWSCURRENT' },
      },
    });
    clock.advance(60_000);
    await advanceRotation(runId, clock, 'worker');
    const run = await runOf(runId);
    expect(run.state).toBe('completed');
    expect(run.finishedAt!.getTime()).toBeLessThan(run.graceEndsAt!.getTime());
    expect(stagesOf(secret.providerRef)[previous]).toBeUndefined(); // retired
    const ended = await db.auditEvent.findFirstOrThrow({ where: { targetId: secret.id, action: 'rotation.grace_ended' } });
    expect(ended.detail).toMatchObject({ decision: 'all_moved', retiredVersionId: previous });
    expect(await db.auditEvent.count({ where: { targetId: secret.id, action: 'rotation.consumer_moved' } })).toBe(1);
  });
});

describe('provider-native (AWS rotation Lambda)', () => {
  it('follows the Lambda until AWSCURRENT moves, then keeps the grace period', async () => {
    aws.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 }); // until flushed
    const { engineer, secret } = await secretWithValue('aws', 'provider_native', { lambdaArn: LAMBDA });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker');
    expect((await runOf(runId)).state).toBe('value_written'); // the Lambda is still working
    aws.flushRotations();
    await aws.rotationsSettled();
    clock.advance(60_000);
    await advanceRotation(runId, clock, 'worker');
    const run = await runOf(runId);
    expect(run.state).toBe('in_grace');
    expect(stagesOf(secret.providerRef)[run.newVersionId!]).toEqual(['AWSCURRENT']);
  });

  it('fails cleanly when the Lambda gives up: the old value stays current', async () => {
    const arn = `${LAMBDA}-failing`;
    aws.setRotationLambda(arn, { outcome: 'fail', delayMs: 60_000 });
    const { engineer, secret } = await secretWithValue('aws', 'provider_native', { lambdaArn: arn });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    const previous = (await runOf(runId)).previousVersionId!;
    await advanceRotation(runId, clock, 'worker');
    aws.flushRotations();
    await aws.rotationsSettled();
    const run = await driveToEnd(runId, clock, 60_000);
    expect(run).toMatchObject({ state: 'failed', failureCode: 'native_failed' });
    expect(stagesOf(secret.providerRef)[previous]).toEqual(['AWSCURRENT']);
  });
});

describe('PostgreSQL role password', () => {
  let server: PasswordPostgres;
  beforeAll(async () => {
    server = await startPasswordPostgres();
  }, 120_000);
  afterAll(() => server?.stop());

  async function roleWithPassword(password: string) {
    const role = `app_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.end();
    return role;
  }
  /** The admin credential: a secret of the rotated secret's connection, marked by an admin,
   *  naming a host on the allowlist that lets this test server go without TLS. */
  async function adminSecret(connectionId: string) {
    const engineer = await callerAs('engineer');
    const holder = await seedConnectedSecret(connectionId);
    await joinOwningTeam(engineer, holder.id);
    await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
    await db.databaseHost.upsert({ where: { host: server.host }, update: { allowInsecureTls: true }, create: { host: server.host, allowInsecureTls: true } });
    const credential = JSON.stringify({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
    await writeSecretValue(engineer, holder.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, credential);
    return holder.id;
  }
  /** A postgres_role secret on a local connection whose admin credential shares it. */
  async function roleSecret(role: string, value: string) {
    const { engineer, secret, connectionId } = await secretWithValue('local', 'postgres_role', {}, value);
    const config = { adminSecretId: await adminSecret(connectionId), role, sslmode: 'disable' };
    await db.secret.update({ where: { id: secret.id }, data: { rotationConfig: config } });
    return { engineer, secret };
  }

  it('sets the new password, proves it by logging in, and only then promotes it', async () => {
    const oldPassword = `old${randomUUID().replaceAll('-', '')}`;
    const role = await roleWithPassword(oldPassword);
    const { engineer, secret } = await roleSecret(role, oldPassword);
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker');
    expect((await runOf(runId)).state).toBe('in_grace');
    const newPassword = (await new LocalProvider().readValue(secret.providerRef)).reveal();
    expect(newPassword).not.toBe(oldPassword);
    expect(await canLogIn(server, role, newPassword)).toBe(true);
    expect(await canLogIn(server, role, oldPassword)).toBe(false);
  });

  it('fails without promoting when the role does not exist, and the old value is current again', async () => {
    const { engineer, secret } = await roleSecret('no_such_role', 'original');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    const run = await driveToEnd(runId, clock);
    expect(run.state).toBe('failed');
    expect(run.failureMessage).toBeTruthy();
    expect((await new LocalProvider().readValue(secret.providerRef)).reveal()).toBe('original');
  });
});

describe('MySQL/MariaDB user password', () => {
  let server: TestDatabaseServer;
  beforeAll(async () => {
    server = await mariadbServer.start();
  });
  afterAll(() => server?.stop());

  /** A mysql_user secret on a local connection; its admin credential (root) shares it. */
  async function mysqlUserSecret(user: string, value: string, credential: object = server.adminCredential) {
    const { engineer, secret, connectionId } = await secretWithValue('local', 'generated', {}, value);
    const holder = await seedConnectedSecret(connectionId);
    await joinOwningTeam(engineer, holder.id);
    await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
    await db.databaseHost.upsert({ where: { host: server.host }, update: { allowInsecureTls: true }, create: { host: server.host, allowInsecureTls: true } });
    await writeSecretValue(engineer, holder.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(credential));
    const config = { adminSecretId: holder.id, user, accountHost: '%', sslmode: 'disable' };
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'mysql_user', rotationConfig: config } });
    return { engineer, secret, holder };
  }

  it('sets the new password, proves it by logging in, and only then promotes it', async () => {
    const user = `single_${randomUUID().slice(0, 6)}`;
    const oldPassword = `old${randomUUID().replaceAll('-', '')}`;
    await server.createUser(user, oldPassword);
    const { engineer, secret } = await mysqlUserSecret(user, oldPassword);
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker');
    expect((await runOf(runId)).state).toBe('in_grace');
    const newPassword = (await new LocalProvider().readValue(secret.providerRef)).reveal();
    expect(newPassword).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await server.canLogIn(user, newPassword)).toBe(true);
    expect(await server.canLogIn(user, oldPassword)).toBe(false);
    expect((await driveToEnd(runId, clock, 25 * HOUR)).state).toBe('completed');
  });

  it('refuses an admin credential that is no longer marked, and a host not on the allowlist, without promoting', async () => {
    const user = `single_${randomUUID().slice(0, 6)}`;
    await server.createUser(user, 'original');
    const unmarked = await mysqlUserSecret(user, 'original');
    const clock = new ManualClock();
    const first = await startRotation(unmarked.engineer, unmarked.secret.id, {}, clock);
    await db.secret.update({ where: { id: unmarked.holder.id }, data: { dbAdminCredential: false } });
    expect(await driveToEnd(first.runId, clock)).toMatchObject({ state: 'failed', failureCode: 'admin_not_allowed' });
    expect((await new LocalProvider().readValue(unmarked.secret.providerRef)).reveal()).toBe('original');

    const elsewhere = await mysqlUserSecret(user, 'original', { ...server.adminCredential, host: 'localhost' });
    const second = await startRotation(elsewhere.engineer, elsewhere.secret.id, {}, clock);
    const run = await driveToEnd(second.runId, clock);
    expect(run).toMatchObject({ state: 'failed', failureCode: 'host_not_allowed' });
    expect(run.failureMessage).toContain('localhost');
    expect((await new LocalProvider().readValue(elsewhere.secret.providerRef)).reveal()).toBe('original');
    expect(await server.canLogIn(user, 'original')).toBe(true);
  });
});

describe('a fault storm', () => {
  let server: TestDatabaseServer;
  beforeAll(async () => {
    server = await postgresServer.start();
  }, 120_000);
  afterAll(() => server?.stop());

  /** Alternating-user secrets on one AWS connection (their admin credential shares it):
   *  users a and b each, the value naming a. */
  async function alternatingSecrets(count: number) {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    const holder = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, holder.id);
    await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
    await db.databaseHost.upsert({ where: { host: server.host }, update: { allowInsecureTls: true }, create: { host: server.host, allowInsecureTls: true } });
    await writeSecretValue(engineer, holder.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(server.adminCredential));
    const made = [];
    for (let i = 0; i < count; i += 1) {
      const suffix = randomUUID().slice(0, 6);
      const [userA, userB] = [`storm_${suffix}_a`, `storm_${suffix}_b`];
      const passwordA = `pw${randomUUID().replaceAll('-', '')}`;
      await server.createUser(userA, passwordA);
      await server.createUser(userB, `pw${randomUUID().replaceAll('-', '')}`);
      const secret = await seedConnectedSecret(connection.id);
      await joinOwningTeam(engineer, secret.id);
      const config = { engine: 'postgres', adminSecretId: holder.id, userA, userB, sslmode: 'disable' };
      await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'alternating_users', rotationConfig: config } });
      const value = { engine: 'postgres', host: server.host, port: server.port, database: server.database, username: userA, password: passwordA };
      await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, JSON.stringify(value));
      made.push({ secret, userA, passwordA });
    }
    return made;
  }

  it('50 rotations (10 of them alternating database users) with 30% of provider calls failing and added latency all end cleanly, none half-promoted', async () => {
    const engineer = await callerAs('engineer');
    const secrets = [];
    for (let i = 0; i < 40; i += 1) secrets.push((await secretWithValue('aws', 'generated')).secret);
    const alternating = await alternatingSecrets(10);
    secrets.push(...alternating.map((a) => a.secret));
    for (const secret of secrets) await joinOwningTeam(engineer, secret.id);
    const clock = new ManualClock();
    const runs: { runId: string; secret: (typeof secrets)[number]; previous: string }[] = [];
    for (const secret of secrets) {
      const { runId } = await startRotation(engineer, secret.id, { graceHours: 1 }, clock);
      runs.push({ runId, secret, previous: (await runOf(runId)).previousVersionId! });
    }
    aws.faults.add({ error: 'unavailable', probability: 0.3, latencyMs: 5 });
    aws.faults.add({ error: 'throttled', probability: 0.1 });
    try {
      for (let pass = 0; pass < 30; pass += 1) {
        // Three workers' worth of concurrency, as a worker takes a few jobs at a time.
        for (let i = 0; i < runs.length; i += 6) {
          await Promise.all(runs.slice(i, i + 6).map((r, j) => advanceRotation(r.runId, clock, `worker-${j % 3}`)));
        }
        clock.advance(2 * HOUR);
      }
    } finally {
      aws.faults.clear();
    }
    let completed = 0;
    for (const { runId, secret, previous } of runs) {
      const run = await runOf(runId);
      expect(['completed', 'failed']).toContain(run.state);
      const stages = stagesOf(secret.providerRef);
      const pending = Object.entries(stages).filter(([, labels]) => labels.includes('AWSPENDING'));
      expect(pending, 'no AWSPENDING left behind').toEqual([]);
      if (run.state === 'completed') {
        completed += 1;
        expect(stages[run.newVersionId!]).toEqual(['AWSCURRENT']);
      } else {
        expect(run.failureMessage, 'a failed run says why').toBeTruthy();
        expect(stages[previous], 'a failed run leaves the old value current').toContain('AWSCURRENT');
      }
      expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).activeRotationId).toBeNull();
    }
    expect(completed).toBeGreaterThan(25);
    // Alternating users: a completed run's current value logs in and the old user's password
    // no longer does; a failed run's old value still logs in.
    const aws_ = providerFor({ kind: 'aws', region: 'us-east-1', endpoint: aws.endpoint });
    for (const { secret, userA, passwordA } of alternating) {
      const run = await runOf(runs.find((r) => r.secret.id === secret.id)!.runId);
      const current = JSON.parse((await aws_.readValue(secret.providerRef)).reveal()) as { username: string; password: string };
      expect(await server.canLogIn(current.username, current.password), `${run.state}: the current value logs in`).toBe(true);
      if (run.state === 'completed') {
        expect(current.username).not.toBe(userA);
        expect(await server.canLogIn(userA, passwordA)).toBe(false);
      } else {
        expect(current).toMatchObject({ username: userA, password: passwordA });
      }
    }
  }, 240_000);
});
