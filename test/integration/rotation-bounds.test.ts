// Values cannot be steered out (issue 10, section 1): a rotation run works on the inputs it
// fixed at start, whatever happens to the secret meanwhile; a PostgreSQL admin credential is
// one an admin marked, of the same connection, naming an allowlisted host with verified TLS
// unless the allowlist allows less; references stay inside their connection; and a person's
// version changes are the app's own (no label strings), refused on decommissioned secrets
// and while a rotation runs.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { ManualClock } from '@/lib/clock';
import { addDatabaseHost, listDatabaseHosts, removeDatabaseHost } from '@/lib/data/database-hosts';
import { startRotation } from '@/lib/data/rotations';
import { changeSecretVersion, listSecretVersions, writeSecretValue } from '@/lib/data/secret-values';
import { createSecret, setDbAdminCredential, updateSecret } from '@/lib/data/secrets';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { ProviderError } from '@/lib/providers/errors';
import { LocalProvider } from '@/lib/providers/local';
import { advanceRotation } from '@/lib/rotation/engine';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { canLogIn, startPasswordPostgres, type PasswordPostgres } from '../support/password-postgres';
import { auditEventsFor, callerAs, secretInput, seedConnectedSecret, seedConnection, joinOwningTeam, editFormOf } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const HOUR = 3_600_000;
const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });
const runOf = (id: string) => db.rotationRun.findUniqueOrThrow({ where: { id } });
const local = new LocalProvider();

let server: PasswordPostgres;
beforeAll(async () => {
  server = await startPasswordPostgres();
}, 120_000);
afterAll(() => server?.stop());

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}
async function roleWithPassword(password: string) {
  const role = `bounds_${randomUUID().slice(0, 8)}`;
  await sql(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  return role;
}
const credential = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password, ...overrides });

/** The engineer who sets up and rotates: one per file (the database is), in every team it seeds. */
let rotatingEngineer: Caller | undefined;
const engineerOfTheseTests = async () => (rotatingEngineer ??= await callerAs('engineer'));

/** A local connection with a marked admin credential secret holding `value`, and the host
 *  on the allowlist (TLS may be turned off there: the test server has none). */
async function adminSetup(value = credential(), host: { allowInsecureTls: boolean } | null = { allowInsecureTls: true }) {
  const engineer = await engineerOfTheseTests();
  const connection = await seedConnection('local');
  const holder = await seedConnectedSecret(connection.id);
  await joinOwningTeam(engineer, holder.id);
  await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
  if (host) await db.databaseHost.upsert({ where: { host: server.host }, update: host, create: { host: server.host, ...host } });
  await writeSecretValue(engineer, holder.id, enter(), value);
  return { engineer, connectionId: connection.id, adminId: holder.id };
}

async function roleSecret(connectionId: string, adminSecretId: string, role: string, password: string, extra: Record<string, unknown> = {}) {
  const engineer = await engineerOfTheseTests();
  const secret = await seedConnectedSecret(connectionId);
  await joinOwningTeam(engineer, secret.id);
  await db.secret.update({
    where: { id: secret.id },
    data: { rotationStrategy: 'postgres_role', rotationConfig: { adminSecretId, role, sslmode: 'disable', ...extra }, graceHours: 24 },
  });
  await writeSecretValue(engineer, secret.id, enter(), password);
  return secret;
}

beforeEach(async () => {
  await db.databaseHost.deleteMany();
});

describe('a rotation run fixes its inputs when it starts', () => {
  it('an edit mid-run is refused and audited; a change behind the app is ignored: the run uses what it started with', async () => {
    // The admin credential first points at a closed port: the verify step fails and retries.
    const { engineer, connectionId, adminId } = await adminSetup(credential({ port: await closedPort() }));
    const oldPassword = `old${randomUUID().replaceAll('-', '')}`;
    const role = await roleWithPassword(oldPassword);
    const secret = await roleSecret(connectionId, adminId, role, oldPassword);
    // What an engineer would steer the run to: another secret's value, another role.
    const victimValue = `victim${randomUUID().replaceAll('-', '')}`;
    const victimRole = await roleWithPassword(victimValue);
    const victim = await seedConnectedSecret(connectionId);
    await joinOwningTeam(engineer, victim.id);
    await writeSecretValue(engineer, victim.id, enter(), victimValue);

    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker');
    const waiting = await runOf(runId);
    expect(waiting).toMatchObject({ state: 'value_written', failureCode: 'unavailable' });

    const form = await editFormOf(secret.id);
    await expect(updateSecret(engineer, secret.id, { ...form, providerRef: victim.providerRef })).rejects.toThrow(
      new RegExp(`Rotation ${runId.slice(0, 8)} of this secret is in progress: its provider reference cannot change`),
    );
    await expect(updateSecret(engineer, secret.id, { ...form, role: victimRole })).rejects.toThrow(/its rotation settings cannot change/);
    await expect(updateSecret(engineer, secret.id, { ...form, rotationStrategy: 'generated' })).rejects.toThrow(/rotation strategy/);
    const refused = (await auditEventsFor(secret.id)).filter((e) => e.action === 'secret.update' && e.outcome === 'failed');
    expect(refused).toHaveLength(3);
    expect(refused[0].detail).toMatchObject({ error: 'rotation_in_progress', runId, fields: 'provider reference' });
    // The admin credential of the active run cannot be re-pointed either.
    await expect(updateSecret(engineer, adminId, await editFormOf(adminId, { providerRef: victim.providerRef }))).rejects.toThrow(
      /uses this secret as its database admin credential/,
    );
    // Edits that do not touch the run's inputs still work.
    await updateSecret(engineer, secret.id, { ...form, description: 'edited during the run' });

    // Behind the app's back: the row now names the victim's reference and role.
    await db.secret.update({
      where: { id: secret.id },
      data: { providerRef: victim.providerRef, rotationConfig: { adminSecretId: adminId, role: victimRole, sslmode: 'disable' } },
    });
    // The admin credential is fixed (a value write, allowed), and the retry runs.
    await writeSecretValue(engineer, adminId, enter(), credential());
    clock.advance(HOUR);
    await advanceRotation(runId, clock, 'worker');

    const run = await runOf(runId);
    expect(run.state).toBe('in_grace');
    const original = secret.providerRef;
    expect((run.inputs as { providerRef: string }).providerRef).toBe(original);
    const newPassword = (await local.readValue(original)).reveal();
    expect(newPassword).not.toBe(oldPassword);
    expect(await canLogIn(server, role, newPassword)).toBe(true);
    // The victim's value and role are untouched.
    expect((await local.readValue(victim.providerRef)).reveal()).toBe(victimValue);
    expect(await canLogIn(server, victimRole, victimValue)).toBe(true);
    const recorded = await db.secretVersion.findFirstOrThrow({ where: { idempotencyToken: run.writeToken } });
    expect(recorded.providerRef).toBe(original);
  });
});

describe('the PostgreSQL admin credential', () => {
  it('is marked by an admin only, audited', async () => {
    const connection = await seedConnection('local');
    const holder = await seedConnectedSecret(connection.id);
    await expect(setDbAdminCredential(await callerAs('engineer'), holder.id, { dbAdminCredential: true })).rejects.toThrow(ForbiddenError);
    expect((await db.secret.findUniqueOrThrow({ where: { id: holder.id } })).dbAdminCredential).toBe(false);
    await setDbAdminCredential(await callerAs('admin'), holder.id, { dbAdminCredential: true });
    expect((await db.secret.findUniqueOrThrow({ where: { id: holder.id } })).dbAdminCredential).toBe(true);
    const event = (await auditEventsFor(holder.id)).find((e) => e.action === 'secret.db_admin_credential' && e.outcome === 'success');
    expect(event?.changes).toEqual({ dbAdminCredential: { before: false, after: true } });
  });

  it('must be a marked secret of the same connection, on save and when a rotation starts', async () => {
    const engineer = await callerAs('engineer');
    const { connectionId, adminId } = await adminSetup();
    const secret = await seedConnectedSecret(connectionId);
    await joinOwningTeam(engineer, secret.id);
    const unmarked = await seedConnectedSecret(connectionId);
    await joinOwningTeam(engineer, unmarked.id);
    const elsewhere = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, elsewhere.id);
    await db.secret.update({ where: { id: elsewhere.id }, data: { dbAdminCredential: true } });
    const asRole = (adminSecretId: string) => editFormOf(secret.id, { rotationStrategy: 'postgres_role', adminSecretId, role: 'app', sslmode: 'disable' });

    const fieldError = async (input: Record<string, unknown>) => {
      const error = await updateSecret(engineer, secret.id, input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).fieldErrors.adminSecretId?.join(' ');
    };
    expect(await fieldError(await asRole(unmarked.id))).toMatch(/not marked as a database admin credential/);
    expect(await fieldError(await asRole(elsewhere.id))).toMatch(/own connection/);
    await updateSecret(engineer, secret.id, await asRole(adminId));

    // Unmarked after the secret was saved: the rotation does not start.
    await setDbAdminCredential(await callerAs('admin'), adminId, { dbAdminCredential: false });
    await expect(startRotation(engineer, secret.id)).rejects.toThrow(/not marked as a database admin credential/);
    expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(0);
  });

  it('unmarked while a run waits: the run fails without connecting', async () => {
    const { engineer, connectionId, adminId } = await adminSetup();
    const password = `pw${randomUUID().replaceAll('-', '')}`;
    const role = await roleWithPassword(password);
    const secret = await roleSecret(connectionId, adminId, role, password);
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await db.secret.update({ where: { id: adminId }, data: { dbAdminCredential: false } });
    await advanceRotation(runId, clock, 'worker');
    expect(await runOf(runId)).toMatchObject({ state: 'failed', failureCode: 'admin_not_allowed' });
    expect(await canLogIn(server, role, password)).toBe(true);
  });
});

describe('database hosts', () => {
  it('only admins keep the allowlist; changes are audited', async () => {
    const engineer = await callerAs('engineer');
    const admin = await callerAs('admin');
    await expect(addDatabaseHost(engineer, { host: 'db.example.com' })).rejects.toThrow(ForbiddenError);
    await expect(listDatabaseHosts(engineer)).rejects.toThrow(ForbiddenError);
    const { id } = await addDatabaseHost(admin, { host: ' DB.Example.com. ', allowInsecureTls: 'on', note: 'primary' });
    expect(await listDatabaseHosts(admin)).toMatchObject([{ host: 'db.example.com', allowInsecureTls: true, note: 'primary' }]);
    await expect(addDatabaseHost(admin, { host: 'db.example.com' })).rejects.toThrow(/already on the list/);
    await expect(addDatabaseHost(admin, { host: 'postgres://db.example.com:5432' })).rejects.toThrow(InputError);
    await expect(removeDatabaseHost(engineer, id)).rejects.toThrow(ForbiddenError);
    await removeDatabaseHost(admin, id);
    expect((await auditEventsFor(id)).map((e) => [e.action, e.outcome])).toEqual([
      ['database_host.add', 'success'],
      ['database_host.remove', 'denied'],
      ['database_host.remove', 'success'],
    ]);
  });

  it('a credential naming a host not on the allowlist is refused before connecting', async () => {
    const { engineer, connectionId, adminId } = await adminSetup(credential(), null);
    const password = `pw${randomUUID().replaceAll('-', '')}`;
    const role = await roleWithPassword(password);
    const secret = await roleSecret(connectionId, adminId, role, password);
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker');
    const run = await runOf(runId);
    expect(run).toMatchObject({ state: 'failed', failureCode: 'host_not_allowed' });
    expect(run.failureMessage).toMatch(/not on the allowlist/);
    expect(await canLogIn(server, role, password)).toBe(true);
    expect((await local.readValue(secret.providerRef)).reveal()).toBe(password); // withdrawn
  });

  it('TLS is verify-full unless the allowlist entry lets the secret ask for less', async () => {
    // The entry requires verify-full; the secret asks for none: refused before connecting.
    const strict = await adminSetup(credential(), { allowInsecureTls: false });
    const password = `pw${randomUUID().replaceAll('-', '')}`;
    const role = await roleWithPassword(password);
    const asksForNone = await roleSecret(strict.connectionId, strict.adminId, role, password);
    const clock = new ManualClock();
    const first = await startRotation(strict.engineer, asksForNone.id, {}, clock);
    await advanceRotation(first.runId, clock, 'worker');
    expect(await runOf(first.runId)).toMatchObject({ state: 'failed', failureCode: 'host_not_allowed' });
    expect((await runOf(first.runId)).failureMessage).toMatch(/requires verify-full/);

    // The default (no TLS setting): verify-full against a server without TLS fails.
    const defaults = await roleSecret(strict.connectionId, strict.adminId, role, password, { sslmode: undefined });
    await db.secret.update({ where: { id: defaults.id }, data: { rotationConfig: { adminSecretId: strict.adminId, role } } });
    const second = await startRotation(strict.engineer, defaults.id, {}, clock);
    for (let i = 0; i < 10 && !['failed', 'in_grace'].includes((await runOf(second.runId)).state); i += 1) {
      await advanceRotation(second.runId, clock, 'worker');
      clock.advance(2 * HOUR);
    }
    const run = await runOf(second.runId);
    expect(run.state).toBe('failed');
    expect(run.failureMessage).toMatch(/TLS/);
    expect(await canLogIn(server, role, password)).toBe(true);
  });
});

describe('references stay inside their connection', () => {
  it('AWS: an ARN of another region, or of another account than the role, is refused on save and at use', async () => {
    const engineer = await callerAs('engineer');
    const connection = await db.providerConnection.create({
      data: {
        name: `aws-${randomUUID().slice(0, 8)}`,
        kind: 'aws',
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::111122223333:role/inventory',
        endpoint: 'http://127.0.0.1:9',
      },
    });
    const refError = async (providerRef: string) => {
      const error = await createSecret(engineer, await secretInput({ connectionId: connection.id, providerRef })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).fieldErrors.providerRef?.join(' ');
    };
    expect(await refError('arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf')).toMatch(/region eu-west-1/);
    expect(await refError('arn:aws:secretsmanager:us-east-1:999999999999:secret:prod/db-AbCdEf')).toMatch(/account 999999999999/);
    const inside = await createSecret(
      engineer,
      await secretInput({ connectionId: connection.id, providerRef: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf' }),
    );
    await joinOwningTeam(engineer, inside.id);

    // Behind the app's back: the row names another account's secret. Nothing is written there.
    await db.secret.update({ where: { id: inside.id }, data: { providerRef: 'arn:aws:secretsmanager:us-east-1:999999999999:secret:theirs-AbCdEf' } });
    const error = await writeSecretValue(engineer, inside.id, enter(), 'some-value').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toMatch(/account 999999999999.*Nothing was written/);
    await expect(startRotation(engineer, inside.id)).rejects.toThrow(/account 999999999999/);
    expect(await db.secretVersion.count({ where: { secretId: inside.id } })).toBe(0);
  });

  it('GCP: a resource name of another project is refused on save and at use', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('gcp', { projectId: 'acme-prod', endpoint: '127.0.0.1:9' });
    const error = await createSecret(engineer, await secretInput({ connectionId: connection.id, providerRef: 'projects/acme-billing/secrets/db' })).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as InputError).fieldErrors.providerRef?.join(' ')).toMatch(/project acme-billing/);
    const inside = await createSecret(engineer, await secretInput({ connectionId: connection.id, providerRef: 'projects/acme-prod/secrets/db' }));
    await joinOwningTeam(engineer, inside.id);
    await db.secret.update({ where: { id: inside.id }, data: { providerRef: 'projects/acme-billing/secrets/db' } });
    await expect(writeSecretValue(engineer, inside.id, enter(), 'some-value')).rejects.toThrow(/project acme-billing/);
    await expect(listSecretVersions(engineer, inside.id)).resolves.toMatchObject({ providerError: expect.stringMatching(/project acme-billing/) });
  });
});

describe("a person's version changes", () => {
  let aws: AwsSecretsManagerEmulator;
  beforeAll(async () => {
    aws = await startAwsSecretsManagerEmulator();
  });
  afterAll(() => aws.close());

  it('take no label strings: only "make current" of the previous version (a rollback), never AWSPENDING', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    const secret = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, secret.id);
    const v1 = await writeSecretValue(engineer, secret.id, enter(), `one-${randomUUID()}`);
    const v2 = await writeSecretValue(engineer, secret.id, enter(), `two-${randomUUID()}`);
    const v3 = await writeSecretValue(engineer, secret.id, enter(), `three-${randomUUID()}`);
    const stages = () =>
      Object.fromEntries(
        aws
          .describe(secret.providerRef)!
          .versions.filter((v) => v.stages.length)
          .map((v) => [v.versionId, v.stages]),
      );
    const before = stages();

    for (const change of [
      { change: 'move_label', versionId: v1.versionId, label: 'AWSPENDING' },
      { change: 'move_label', versionId: v1.versionId, label: 'AWSCURRENT' },
      { change: 'make_current', versionId: v1.versionId, label: 'AWSPENDING' },
    ]) {
      await expect(changeSecretVersion(engineer, secret.id, change)).rejects.toThrow(InputError);
    }
    await expect(changeSecretVersion(engineer, secret.id, { change: 'make_current', versionId: v1.versionId })).rejects.toThrow(/Only the previous version/);
    await expect(changeSecretVersion(engineer, secret.id, { change: 'make_current', versionId: randomUUID() })).rejects.toThrow(/does not belong/);
    expect(stages()).toEqual(before);

    await changeSecretVersion(engineer, secret.id, { change: 'make_current', versionId: v2.versionId });
    expect(stages()[v2.versionId]).toContain('AWSCURRENT');
    expect(stages()[v3.versionId]).toEqual(['AWSPREVIOUS']);
  });

  it('are refused on decommissioned secrets and while a rotation runs, like value writes', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const retired = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, retired.id);
    await writeSecretValue(engineer, retired.id, enter(), `a-${randomUUID()}`);
    await writeSecretValue(engineer, retired.id, enter(), `b-${randomUUID()}`);
    await db.secret.update({ where: { id: retired.id }, data: { status: 'decommissioned' } });
    await expect(changeSecretVersion(engineer, retired.id, { change: 'disable', versionId: '1' })).rejects.toThrow(/decommissioned/);
    await expect(writeSecretValue(engineer, retired.id, enter(), 'c')).rejects.toThrow(/decommissioned/);

    const rotating = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, rotating.id);
    await writeSecretValue(engineer, rotating.id, enter(), `a-${randomUUID()}`);
    await writeSecretValue(engineer, rotating.id, enter(), `b-${randomUUID()}`);
    await db.secret.update({ where: { id: rotating.id }, data: { rotationStrategy: 'generated', rotationConfig: { alphabet: 'hex', length: 40 } } });
    const { runId } = await startRotation(engineer, rotating.id);
    await expect(changeSecretVersion(engineer, rotating.id, { change: 'disable', versionId: '1' })).rejects.toThrow(
      new RegExp(`Rotation ${runId.slice(0, 8)} of this secret is in progress`),
    );
    await expect(writeSecretValue(engineer, rotating.id, enter(), 'c')).rejects.toThrow(/in progress/);
    const refused = (await auditEventsFor(rotating.id)).filter((e) => e.outcome === 'failed').map((e) => e.action);
    expect(refused).toEqual(['secret.version_change', 'secret.value_write']);
    expect((await local.listVersions(rotating.providerRef)).map((v) => v.state)).toEqual(['enabled', 'enabled']);
  });
});
