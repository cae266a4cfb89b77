// Writing values through the data layer with the local development provider: what is
// kept (version row, fingerprint, audit event), what is refused, and that the value
// itself is nowhere in the database or the local store's files.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db, pgPool } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { changeSecretVersion, listSecretVersions, writeSecretValue } from '@/lib/data/secret-values';
import { auditEventsFor, callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const canary = () => `canary-${randomUUID()}`;
const enter = (extra: Record<string, unknown> = {}) => ({ mode: 'enter', note: '', idempotencyToken: randomUUID(), ...extra });

/** Every text the database holds, as one string (what a pg_dump would show of the data). */
async function everythingInTheDatabase(): Promise<string> {
  const { rows } = await pgPool().query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let all = '';
  for (const { t } of rows) {
    const dump = await pgPool().query(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`);
    all += dump.rows.map((r) => r.row).join('\n');
  }
  return all;
}

async function localStoreFiles(): Promise<string> {
  const dir = process.env.LOCAL_PROVIDER_DIR!;
  const files = await readdir(dir).catch(() => []);
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

describe('writing a value', () => {
  it('records version, rotation date and audit event, and keeps the value only in the provider', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const secret = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, secret.id);
    const value = canary();

    const result = await writeSecretValue(engineer, secret.id, enter({ note: 'first value' }), value);

    expect(result).toEqual({ versionId: '1', writtenAt: expect.any(String), warning: null });
    expect(JSON.stringify(result)).not.toContain(value);
    const versions = await db.secretVersion.findMany({ where: { secretId: secret.id } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ providerVersionId: '1', source: 'entered', note: 'first value', createdById: engineer.user!.id });
    expect(versions[0].fingerprint).toHaveLength(32);
    const row = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(row.lastRotatedAt?.toISOString()).toBe(result.writtenAt);
    expect(row.nextDueAt?.getTime()).toBe(new Date(result.writtenAt).getTime() + 90 * 86_400_000);
    const events = await auditEventsFor(secret.id);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([['secret.value_write', 'success']]);
    expect(events[0].detail).toMatchObject({ source: 'entered', provider: 'local', providerVersionId: '1', note: 'first value' });

    expect(await everythingInTheDatabase()).not.toContain(value);
    expect(await localStoreFiles()).not.toContain(value);
    const listed = await listSecretVersions(engineer, secret.id);
    expect(listed.versions).toEqual([expect.objectContaining({ versionId: '1', current: true, writtenBy: engineer.user!.email })]);
  });

  it('generates a value on the server and never returns it', async () => {
    const engineer = await callerAs('admin');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const result = await writeSecretValue(engineer, secret.id, { mode: 'generate', alphabet: 'hex', length: '48', idempotencyToken: randomUUID() }, 'ignored');
    expect(Object.keys(result).sort()).toEqual(['versionId', 'warning', 'writtenAt']);
    const [version] = await db.secretVersion.findMany({ where: { secretId: secret.id } });
    expect(version.source).toBe('generated');
    // A 48-character hex run on its own would be the value (hashes and ids are longer or dashed).
    expect(await everythingInTheDatabase()).not.toMatch(/(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])/);
  });

  it('a retried submit with the same token writes once', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const input = enter();
    const value = canary();
    const first = await writeSecretValue(engineer, secret.id, input, value);
    const again = await writeSecretValue(engineer, secret.id, input, value);
    expect(again.versionId).toBe(first.versionId);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(1);
    expect((await listSecretVersions(engineer, secret.id)).versions).toHaveLength(1);
  });

  it('refuses a value the same secret name uses in another environment, and changes nothing', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const production = await seedConnectedSecret(connection.id, { environment: 'production' });
    await joinOwningTeam(engineer, production.id);
    const staging = await seedConnectedSecret(connection.id, { environment: 'staging', name: production.name });
    await joinOwningTeam(engineer, staging.id);
    const value = canary();
    await writeSecretValue(engineer, production.id, enter(), value);

    const refused = writeSecretValue(engineer, staging.id, enter(), value);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(`already used by ${production.name} in production`);
    expect(await db.secretVersion.count({ where: { secretId: staging.id } })).toBe(0);
    expect((await db.secret.findUniqueOrThrow({ where: { id: staging.id } })).lastRotatedAt).toBeNull();
    expect(await listSecretVersions(engineer, staging.id)).toMatchObject({ versions: [] });
  });

  it('warns, without refusing, when another secret uses the same value', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const one = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, one.id);
    const other = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, other.id);
    const value = canary();
    await writeSecretValue(engineer, one.id, enter(), value);
    const result = await writeSecretValue(engineer, other.id, enter(), value);
    expect(result.warning).toMatch(/also used by 1 other secret/);
    expect(result.warning).not.toContain(value);
  });

  it.each([
    ['an empty value', '', /Enter a value/],
    ['a value over 64 KiB', 'x'.repeat(64 * 1024 + 1), /at most 64 KiB/],
  ])('refuses %s with a message that does not quote it', async (_label, value, message) => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const error = await writeSecretValue(engineer, secret.id, enter(), value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(JSON.stringify({ message: (error as InputError).message, fields: (error as InputError).fieldErrors })).toMatch(message);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
  });

  it('explains what to do for a secret without a connection', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    await db.secret.update({ where: { id: secret.id }, data: { connectionId: null } });
    await expect(writeSecretValue(engineer, secret.id, enter(), canary())).rejects.toThrow(/not connected to a provider/);
  });

  it('refuses a second submit while the first with the same token is still in flight', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const input = enter();
    await db.pendingValueWrite.create({ data: { idempotencyToken: input.idempotencyToken, secretId: secret.id } });
    await expect(writeSecretValue(engineer, secret.id, input, canary())).rejects.toThrow(/already being saved/);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
  });

  it('finishes a submit whose earlier attempt ended without an answer', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const input = enter();
    await db.pendingValueWrite.create({ data: { idempotencyToken: input.idempotencyToken, secretId: secret.id, outcomeUnknown: true } });
    const result = await writeSecretValue(engineer, secret.id, input, canary());
    expect(result.versionId).toBe('1');
    expect(await db.pendingValueWrite.count({ where: { idempotencyToken: input.idempotencyToken } })).toBe(0);
  });
});

describe('who may write values', () => {
  it.each(['viewer', 'auditor', null] as const)('%s is refused, audited, and nothing changes', async (role) => {
    const caller = await callerAs(role);
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    const before = await everythingInTheDatabase();
    const value = canary();
    await expect(writeSecretValue(caller, secret.id, enter(), value)).rejects.toThrow(ForbiddenError);
    // Signed out: from another address, as one address's later denials in a minute are only counted.
    const again = role ? caller : await callerAs(null);
    await expect(changeSecretVersion(again, secret.id, { change: 'disable', versionId: '1' })).rejects.toThrow(ForbiddenError);
    const denials = await auditEventsFor(secret.id);
    expect(denials.map((e) => [e.action, e.outcome])).toEqual([
      ['secret.value_write', 'denied'],
      ['secret.version_change', 'denied'],
    ]);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
    expect(await localStoreFiles()).not.toContain(secret.providerRef);
    expect(before).not.toContain(value);
  });
});

describe('managing versions', () => {
  it('disables and enables old versions, refuses to disable the current one, and audits each change', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    await writeSecretValue(engineer, secret.id, enter(), canary());
    await writeSecretValue(engineer, secret.id, enter(), canary());

    await expect(changeSecretVersion(engineer, secret.id, { change: 'disable', versionId: '2' })).rejects.toThrow(/current version/);
    await changeSecretVersion(engineer, secret.id, { change: 'disable', versionId: '1' });
    let versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['2', 'enabled', true],
      ['1', 'disabled', false],
    ]);
    await changeSecretVersion(engineer, secret.id, { change: 'enable', versionId: '1' });
    versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions[1].state).toBe('enabled');
    const changes = (await auditEventsFor(secret.id)).filter((e) => e.action === 'secret.version_change');
    expect(changes.map((e) => [(e.detail as { change: string }).change, e.outcome])).toEqual([
      ['disable', 'failed'], // the refused disable of the current version
      ['disable', 'success'],
      ['enable', 'success'],
    ]);
  });
});
