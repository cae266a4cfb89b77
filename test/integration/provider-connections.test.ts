import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { createConnection, deleteConnection, getConnection, listConnections, testConnection, updateConnection } from '@/lib/data/provider-connections';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { connectionConfigOf } from '@/lib/providers/connection-config';
import { auditEventsFor, callerAs, environmentId, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

async function seedConnection(kind: 'aws' | 'gcp' | 'local' = 'aws') {
  return db.providerConnection.create({
    data: {
      name: uniqueName(`seeded ${kind}`),
      kind,
      region: kind === 'aws' ? 'eu-west-1' : null,
      projectId: kind === 'gcp' ? 'acme-prod' : null,
    },
    select: { id: true, name: true, kind: true, updatedAt: true },
  });
}

async function seedSecretOn(connectionId: string) {
  return db.secret.create({
    data: {
      name: `secret-${randomUUID().slice(0, 8)}`,
      environmentId: await environmentId(),
      ownerTeamId: (await seedTeam()).id,
      classification: 'important',
      providerKind: 'aws',
      providerRef: 'production/x',
      connectionId,
    },
    select: { id: true },
  });
}

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const connectionRows = () => db.providerConnection.findMany({ orderBy: { id: 'asc' } });

describe('provider connections data layer', () => {
  it('creates an AWS connection, keeping only AWS fields, and audits it in the same transaction', async () => {
    const admin = await callerAs('admin');
    const name = uniqueName('AWS prod');
    const { id } = await createConnection(admin, {
      kind: 'aws',
      name: ` ${name} `,
      region: 'eu-central-2',
      roleArn: 'arn:aws:iam::123456789012:role/secrets-dashboard',
      endpoint: 'https://vpce-1.secretsmanager.eu-central-2.vpce.amazonaws.com/',
      projectId: 'ignored-project',
      expectedUpdatedAt: '',
    });

    const detail = await getConnection(admin, id);
    expect(detail).toMatchObject({
      id,
      name,
      kind: 'aws',
      region: 'eu-central-2',
      roleArn: 'arn:aws:iam::123456789012:role/secrets-dashboard',
      projectId: null,
      location: null,
      endpoint: 'https://vpce-1.secretsmanager.eu-central-2.vpce.amazonaws.com',
      secretCount: 0,
    });
    const events = await auditEventsFor(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'provider_connection.create', outcome: 'success', targetType: 'provider_connection' });
    expect(events[0].changes).toEqual({
      name: { before: null, after: name },
      kind: { before: null, after: 'aws' },
      region: { before: null, after: 'eu-central-2' },
      roleArn: { before: null, after: 'arn:aws:iam::123456789012:role/secrets-dashboard' },
      endpoint: { before: null, after: 'https://vpce-1.secretsmanager.eu-central-2.vpce.amazonaws.com' },
    });
  });

  it('creates GCP and local connections and maps each row to the adapters’ config', async () => {
    const admin = await callerAs('admin');
    const gcp = await createConnection(admin, { kind: 'gcp', name: uniqueName('GCP'), projectId: 'acme-prod', location: 'europe-west1' });
    const local = await createConnection(admin, { kind: 'local', name: uniqueName('Dev'), region: 'us-east-1' });
    expect(connectionConfigOf(await getConnection(admin, gcp.id))).toEqual({
      kind: 'gcp',
      projectId: 'acme-prod',
      location: 'europe-west1',
      endpoint: null,
    });
    expect(connectionConfigOf(await getConnection(admin, local.id))).toEqual({ kind: 'local' });
    expect(await db.providerConnection.findUnique({ where: { id: local.id }, select: { region: true } })).toEqual({ region: null });
    expect(connectionConfigOf({ kind: 'aws', region: 'us-east-1', roleArn: null, projectId: null, location: null, endpoint: 'http://127.0.0.1:4566' })).toEqual(
      { kind: 'aws', region: 'us-east-1', roleArn: null, endpoint: 'http://127.0.0.1:4566' },
    );
  });

  it('lists connections by name for every signed-in role, with secret counts and nothing else', async () => {
    const seeded = await seedConnection('gcp');
    await seedSecretOn(seeded.id);
    for (const role of ['viewer', 'engineer', 'auditor', 'admin'] as Role[]) {
      const list = await listConnections(await callerAs(role));
      const item = list.find((c) => c.id === seeded.id);
      expect(item, role).toEqual({
        id: seeded.id,
        name: seeded.name,
        kind: 'gcp',
        region: null,
        roleArn: null,
        projectId: 'acme-prod',
        location: null,
        endpoint: null,
        secretCount: 1,
        updatedAt: seeded.updatedAt.toISOString(),
      });
      const names = list.map((c) => c.name);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    await expect(listConnections(await callerAs(null))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('gives field errors for bad input and a taken name, and writes nothing', async () => {
    const admin = await callerAs('admin');
    const taken = await seedConnection('local');
    const [rows, events] = [await connectionRows(), await db.auditEvent.count()];

    const bad = (await errorOf(createConnection(admin, { kind: 'aws', name: 'x', region: 'Europe' }))) as InputError;
    expect(bad).toBeInstanceOf(InputError);
    expect(bad.fieldErrors).toEqual({ region: ['Use an AWS region code such as us-east-1, eu-central-2 or us-gov-west-1'] });

    const noKind = (await errorOf(createConnection(admin, { name: 'x' }))) as InputError;
    expect(noKind.fieldErrors).toEqual({ kind: ['Choose the kind of connection: AWS, GCP or local development'] });

    const dup = (await errorOf(createConnection(admin, { kind: 'local', name: taken.name }))) as InputError;
    expect(dup.fieldErrors).toEqual({ name: ['A connection with this name already exists'] });

    const other = await seedConnection('aws');
    const rename = (await errorOf(updateConnection(admin, other.id, { kind: 'aws', name: taken.name, region: 'eu-west-1' }))) as InputError;
    expect(rename.fieldErrors).toEqual({ name: ['A connection with this name already exists'] });

    expect((await connectionRows()).filter((r) => r.id !== other.id)).toEqual(rows);
    expect(await db.providerConnection.findUnique({ where: { id: other.id }, select: { name: true } })).toEqual({ name: other.name });
    expect(await db.auditEvent.count()).toBe(events);
  });

  it('audits only changed fields on update, clears the old kind’s fields, and an unchanged save writes nothing', async () => {
    const admin = await callerAs('admin');
    const name = uniqueName('Switch');
    const { id } = await createConnection(admin, { kind: 'aws', name, region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' });
    const opened = await getConnection(admin, id);

    await updateConnection(admin, id, { kind: 'gcp', name, projectId: 'acme-stage', expectedUpdatedAt: opened.updatedAt });
    const after = await getConnection(admin, id);
    expect(after).toMatchObject({ kind: 'gcp', region: null, endpoint: null, projectId: 'acme-stage' });
    const events = await auditEventsFor(id);
    expect(events.map((e) => e.action)).toEqual(['provider_connection.create', 'provider_connection.update']);
    expect(events[1].changes).toEqual({
      kind: { before: 'aws', after: 'gcp' },
      region: { before: 'us-east-1', after: null },
      projectId: { before: null, after: 'acme-stage' },
      endpoint: { before: 'http://127.0.0.1:4566', after: null },
    });

    await updateConnection(admin, id, { kind: 'gcp', name, projectId: 'acme-stage', expectedUpdatedAt: after.updatedAt });
    expect(await auditEventsFor(id)).toHaveLength(2);
    expect((await getConnection(admin, id)).updatedAt).toBe(after.updatedAt);
  });

  it('refuses a stale edit and keeps the newer save', async () => {
    const admin = await callerAs('admin');
    const seeded = await seedConnection('aws');
    const opened = await getConnection(admin, seeded.id);
    await updateConnection(admin, seeded.id, { kind: 'aws', name: seeded.name, region: 'eu-west-2', expectedUpdatedAt: opened.updatedAt });
    const stale = await errorOf(
      updateConnection(admin, seeded.id, { kind: 'aws', name: seeded.name, region: 'eu-west-3', expectedUpdatedAt: opened.updatedAt }),
    );
    expect(stale).toBeInstanceOf(InputError);
    expect((stale as InputError).message).toMatch(/Someone else saved this connection/);
    expect((await getConnection(admin, seeded.id)).region).toBe('eu-west-2');
  });

  it('refuses to change the kind of a connection secrets use', async () => {
    const admin = await callerAs('admin');
    const seeded = await seedConnection('aws');
    await seedSecretOn(seeded.id);
    const error = (await errorOf(updateConnection(admin, seeded.id, { kind: 'local', name: seeded.name }))) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.fieldErrors.kind).toEqual(['1 secret uses this connection, so its kind cannot change. Create a new connection instead.']);
    expect((await getConnection(admin, seeded.id)).kind).toBe('aws');
  });

  it('deletes an unused connection with an audit event, and refuses while secrets point at it', async () => {
    const admin = await callerAs('admin');
    const unused = await seedConnection('local');
    await deleteConnection(admin, unused.id);
    expect(await db.providerConnection.findUnique({ where: { id: unused.id } })).toBeNull();
    const [deleted] = await auditEventsFor(unused.id);
    expect(deleted).toMatchObject({ action: 'provider_connection.delete', outcome: 'success' });
    expect(deleted.changes).toEqual({ name: { before: unused.name, after: null }, kind: { before: 'local', after: null } });

    const used = await seedConnection('aws');
    await seedSecretOn(used.id);
    await seedSecretOn(used.id);
    const refused = await errorOf(deleteConnection(admin, used.id));
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as InputError).message).toBe(
      '2 secrets use this connection, so it cannot be deleted. Point those secrets at another connection (or none) first.',
    );
    expect(await db.providerConnection.findUnique({ where: { id: used.id }, select: { id: true } })).toEqual({ id: used.id });
    expect(await auditEventsFor(used.id)).toEqual([]);
  });

  it('treats unknown and malformed ids as not found', async () => {
    const admin = await callerAs('admin');
    await expect(getConnection(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(getConnection(admin, "1' OR '1'='1")).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateConnection(admin, 'nope', { kind: 'local', name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteConnection(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(testConnection(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports a failed connection test with its code and our own message, and audits it as failed', async () => {
    const admin = await callerAs('admin');
    // Loopback only: an endpoint override to a port nothing listens on.
    const { id } = await createConnection(admin, {
      kind: 'aws',
      name: uniqueName('Unreachable'),
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${await closedLoopbackPort()}`,
    });
    const result = await testConnection(admin, id);
    expect(result.ok).toBe(false);
    expect(result.code).toEqual(expect.any(String));
    expect(result.message.length).toBeGreaterThan(10);
    // Our messages never echo where the SDK went or what it said.
    expect(result.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|Exception/);

    const events = await auditEventsFor(id);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['provider_connection.create', 'success'],
      ['provider_connection.test', 'failed'],
    ]);
    expect(events[1].detail).toEqual({ kind: 'aws', code: result.code });
    expect(events[1].changes).toBeNull();
  });

  for (const role of ['viewer', 'engineer', 'auditor', null] as (Role | null)[]) {
    it(`denies ${role ?? 'a signed-out caller'} every write and the test, audits it and changes nothing`, async () => {
      const caller = await callerAs(role);
      const target = await seedConnection('aws');
      const rowsBefore = await connectionRows();
      const eventsBefore = await db.auditEvent.count();

      const attempts: [string, (c: Caller) => Promise<unknown>][] = [
        ['provider_connection.create', (c) => createConnection(c, { kind: 'local', name: uniqueName('sneaky') })],
        ['provider_connection.update', (c) => updateConnection(c, target.id, { kind: 'aws', name: 'hijacked', region: 'us-east-1' })],
        ['provider_connection.delete', (c) => deleteConnection(c, target.id)],
        ['provider_connection.test', (c) => testConnection(c, target.id)],
        ['provider_connection.read', (c) => getConnection(c, target.id)],
      ];
      for (const [action, attempt] of attempts) {
        // Signed out: a fresh address each time, as one address's later denials in a minute are only counted.
        expect(await errorOf(attempt(role ? caller : await callerAs(null))), action).toBeInstanceOf(ForbiddenError);
      }

      // The database re-read: every connection exactly as before, no test was recorded.
      expect(await connectionRows()).toEqual(rowsBefore);
      const newEvents = await db.auditEvent.findMany({ where: { id: { gt: 0 } }, orderBy: { id: 'asc' }, skip: eventsBefore });
      expect(newEvents.map((e) => [e.action, e.outcome, e.actorId, (e.detail as { permission?: string }).permission])).toEqual(
        attempts.map(([action]) => [action, 'denied', caller.user?.id ?? null, 'admin.providers']),
      );
    });
  }
});
