// Conformance of the GCP Secret Manager emulator against /work/shared/docs/cloud-apis.md
// section B, driven by the real @google-cloud/secret-manager client over loopback. The
// adapter tests trust this emulator, so its behaviour is pinned here first.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '@google-cloud/secret-manager';
import { crc32c } from '@node-rs/crc32';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';

const PROJECT = 'demo-project';
const NUMBER = '123456789012';
// No retries anywhere, so a fault shows up as exactly one failed call.
const once = { retry: null };

let emu: GcpSecretManagerEmulator;
let client: v1.SecretManagerServiceClient;

beforeAll(async () => {
  emu = await startGcpSecretManagerEmulator({ projectNumbers: { [PROJECT]: NUMBER } });
  client = new v1.SecretManagerServiceClient({
    apiEndpoint: '127.0.0.1',
    port: emu.port,
    sslCreds: grpc.credentials.createInsecure(),
  });
});
afterAll(async () => {
  await client.close();
  await emu.close();
});
beforeEach(() => emu.reset());

/** The gRPC status of a failing call (the test fails if the call succeeds). */
async function failure(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: number; details: string };
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail');
}

const secretName = (id: string) => `projects/${PROJECT}/secrets/${id}`;

async function createSecret(id: string, extra: Record<string, unknown> = {}) {
  const [secret] = await client.createSecret({
    parent: `projects/${PROJECT}`,
    secretId: id,
    secret: { replication: { automatic: {} }, ...extra },
  });
  return secret;
}

async function addVersion(id: string, value: string) {
  const [version] = await client.addSecretVersion({ parent: secretName(id), payload: { data: Buffer.from(value) } });
  return version;
}

async function versionState(id: string, n: number | string) {
  const [v] = await client.getSecretVersion({ name: `${secretName(id)}/versions/${n}` });
  return v.state;
}

describe('CreateSecret', () => {
  test('names the project by number, starts without versions, and carries a quoted etag', async () => {
    const secret = await createSecret('db-password', { labels: { team: 'payments' } });
    expect(secret.name).toBe(`projects/${NUMBER}/secrets/db-password`);
    expect(secret.labels).toEqual({ team: 'payments' });
    expect(secret.etag).toMatch(/^".+"$/);
    expect(secret.createTime?.seconds).toBeTruthy();
    const [versions] = await client.listSecretVersions({ parent: secretName('db-password') });
    expect(versions).toEqual([]);
  });

  test('accepts the project number in requests as well as the id', async () => {
    await createSecret('by-number');
    const [viaNumber] = await client.getSecret({ name: `projects/${NUMBER}/secrets/by-number` });
    const [viaId] = await client.getSecret({ name: secretName('by-number') });
    expect(viaNumber.name).toBe(viaId.name);
    expect(viaNumber.etag).toBe(viaId.etag);
  });

  test('requires replication for a global secret', async () => {
    const err = await failure(client.createSecret({ parent: `projects/${PROJECT}`, secretId: 'no-repl', secret: {} }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(emu.secretIds()).toEqual([]);
  });

  test('rejects an existing id with ALREADY_EXISTS, naming the project by number', async () => {
    await createSecret('dup');
    const err = await failure(createSecret('dup'));
    expect(err.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(err.details).toBe(`Secret [projects/${NUMBER}/secrets/dup] already exists.`);
  });

  test.each(['has space', 'dot.ted', 'x'.repeat(256), ''])('rejects the secret id %j', async (id) => {
    const err = await failure(createSecret(id));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  test.each<[Record<string, string>, string]>([
    [{ Team: 'x' }, 'upper-case key'],
    [{ '1team': 'x' }, 'key starting with a digit'],
    [{ 'team.name': 'x' }, 'dot in key'],
    [{ ['k'.repeat(64)]: 'x' }, '64-character key'],
    [{ team: 'Payments' }, 'upper-case value'],
    [{ team: 'v'.repeat(64) }, '64-character value'],
    [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])), '65 labels'],
  ])('rejects labels: %j (%s)', async (labels, _why) => {
    const err = await failure(createSecret('labelled', { labels }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(emu.secretIds()).toEqual([]);
  });

  test('accepts labels at the limits of the regexes', async () => {
    const labels = { ['k'.repeat(63)]: 'v'.repeat(63), 'é_-9': '', team: 'ünïcode-0_1' };
    const secret = await createSecret('limits', { labels });
    expect(secret.labels).toEqual(labels);
  });
});

describe('regional secrets', () => {
  const parent = `projects/${PROJECT}/locations/europe-west1`;

  test('live under locations/<l>, take no replication, and are separate from global ones', async () => {
    const [secret] = await client.createSecret({ parent, secretId: 'same-id', secret: {} });
    expect(secret.name).toBe(`projects/${NUMBER}/locations/europe-west1/secrets/same-id`);
    await createSecret('same-id');
    const [v] = await client.addSecretVersion({ parent: `${parent}/secrets/same-id`, payload: { data: Buffer.from('r') } });
    expect(v.name).toBe(`projects/${NUMBER}/locations/europe-west1/secrets/same-id/versions/1`);
    const [global] = await client.listSecrets({ parent: `projects/${PROJECT}` });
    const [regional] = await client.listSecrets({ parent });
    expect(global.map((s) => s.name)).toEqual([`projects/${NUMBER}/secrets/same-id`]);
    expect(regional.map((s) => s.name)).toEqual([secret.name]);
  });

  test('reject a replication policy', async () => {
    const err = await failure(client.createSecret({ parent, secretId: 'r', secret: { replication: { automatic: {} } } }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe('AddSecretVersion', () => {
  test('numbers versions from 1 upwards, each ENABLED', async () => {
    await createSecret('s');
    const names = [];
    for (const value of ['a', 'b', 'c']) {
      const v = await addVersion('s', value);
      expect(v.state).toBe('ENABLED');
      expect(v.clientSpecifiedPayloadChecksum).toBe(false);
      names.push(v.name);
    }
    expect(names).toEqual([1, 2, 3].map((n) => `projects/${NUMBER}/secrets/s/versions/${n}`));
    expect(emu.storedValues()).toEqual(['a', 'b', 'c']);
  });

  test('fails with NOT_FOUND for a missing secret', async () => {
    const err = await failure(addVersion('missing', 'x'));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(emu.storedValues()).toEqual([]);
  });

  test('accepts exactly 64 KiB and rejects one byte more', async () => {
    await createSecret('big');
    await addVersion('big', 'x'.repeat(65536));
    const err = await failure(addVersion('big', 'x'.repeat(65537)));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [versions] = await client.listSecretVersions({ parent: secretName('big') });
    expect(versions).toHaveLength(1);
  });

  test('checks data_crc32c and records that the client sent one', async () => {
    await createSecret('crc');
    const data = Buffer.from('checked value');
    const [ok] = await client.addSecretVersion({ parent: secretName('crc'), payload: { data, dataCrc32c: crc32c(data) } });
    expect(ok.clientSpecifiedPayloadChecksum).toBe(true);
    const err = await failure(client.addSecretVersion({ parent: secretName('crc'), payload: { data, dataCrc32c: (crc32c(data) + 1) % 2 ** 32 } }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(emu.storedValues()).toEqual(['checked value']);
  });
});

describe('AccessSecretVersion and latest', () => {
  test('returns the payload with its CRC32C and the resolved version number', async () => {
    await createSecret('s');
    await addVersion('s', 'one');
    await addVersion('s', 'two');
    const [res] = await client.accessSecretVersion({ name: `${secretName('s')}/versions/latest` });
    expect(res.name).toBe(`projects/${NUMBER}/secrets/s/versions/2`);
    expect(Buffer.from(res.payload!.data as Uint8Array).toString()).toBe('two');
    expect(Number(res.payload!.dataCrc32c)).toBe(crc32c(Buffer.from('two')));
    const [first] = await client.accessSecretVersion({ name: `${secretName('s')}/versions/1` });
    expect(Buffer.from(first.payload!.data as Uint8Array).toString()).toBe('one');
  });

  test('latest is the newest version whatever its state: no fallback to an older one', async () => {
    await createSecret('s');
    await addVersion('s', 'one');
    await addVersion('s', 'two');
    await client.disableSecretVersion({ name: `${secretName('s')}/versions/2` });
    const err = await failure(client.accessSecretVersion({ name: `${secretName('s')}/versions/latest` }, once));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe(`Secret Version [projects/${NUMBER}/secrets/s/versions/2] is in DISABLED state.`);
    const [latest] = await client.getSecretVersion({ name: `${secretName('s')}/versions/latest` });
    expect(latest.name).toBe(`projects/${NUMBER}/secrets/s/versions/2`);
    expect(latest.state).toBe('DISABLED');
  });

  test('a destroyed version says so', async () => {
    await createSecret('s');
    await addVersion('s', 'one');
    await client.destroySecretVersion({ name: `${secretName('s')}/versions/1` });
    const err = await failure(client.accessSecretVersion({ name: `${secretName('s')}/versions/1` }, once));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe(`Secret Version [projects/${NUMBER}/secrets/s/versions/1] is in DESTROYED state.`);
  });

  test('NOT_FOUND for a missing version, a secret without versions, a missing secret', async () => {
    await createSecret('s');
    expect((await failure(client.accessSecretVersion({ name: `${secretName('s')}/versions/latest` }, once))).code).toBe(grpc.status.NOT_FOUND);
    await addVersion('s', 'one');
    expect((await failure(client.accessSecretVersion({ name: `${secretName('s')}/versions/2` }, once))).code).toBe(grpc.status.NOT_FOUND);
    expect((await failure(client.accessSecretVersion({ name: `${secretName('nope')}/versions/1` }, once))).code).toBe(grpc.status.NOT_FOUND);
  });
});

describe('version state machine', () => {
  type Op = 'enable' | 'disable' | 'destroy';
  const call = (op: Op, name: string, etag?: string) =>
    op === 'enable'
      ? client.enableSecretVersion({ name, etag })
      : op === 'disable'
        ? client.disableSecretVersion({ name, etag })
        : client.destroySecretVersion({ name, etag });

  async function versionIn(state: 'ENABLED' | 'DISABLED' | 'DESTROYED') {
    await createSecret('sm');
    await addVersion('sm', 'value');
    const name = `${secretName('sm')}/versions/1`;
    if (state === 'DISABLED') await client.disableSecretVersion({ name });
    if (state === 'DESTROYED') await client.destroySecretVersion({ name });
    return name;
  }

  test.each([
    ['ENABLED', 'enable', 'ENABLED'],
    ['ENABLED', 'disable', 'DISABLED'],
    ['ENABLED', 'destroy', 'DESTROYED'],
    ['DISABLED', 'enable', 'ENABLED'],
    ['DISABLED', 'disable', 'DISABLED'],
    ['DISABLED', 'destroy', 'DESTROYED'],
  ] as const)('%s --%s--> %s, with a new etag', async (from, op, to) => {
    const name = await versionIn(from);
    const [before] = await client.getSecretVersion({ name });
    const [after] = await call(op, name);
    expect(after.state).toBe(to);
    expect(after.etag).not.toBe(before.etag);
    expect(await versionState('sm', 1)).toBe(to);
  });

  test.each(['enable', 'disable', 'destroy'] as const)('DESTROYED is terminal: %s fails with FAILED_PRECONDITION', async (op) => {
    const name = await versionIn('DESTROYED');
    const err = await failure(call(op, name));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(await versionState('sm', 1)).toBe('DESTROYED');
  });

  test('destroy wipes the data and sets destroy_time; GetSecretVersion still answers', async () => {
    const name = await versionIn('DESTROYED');
    const [v] = await client.getSecretVersion({ name });
    expect(v.destroyTime?.seconds).toBeTruthy();
    expect(v.state).toBe('DESTROYED');
  });

  test('with version_destroy_ttl, destroy only schedules: DISABLED until then, and enable cancels it', async () => {
    await createSecret('ttl', { versionDestroyTtl: { seconds: 86400 } });
    await addVersion('ttl', 'value');
    const name = `${secretName('ttl')}/versions/1`;
    const [scheduled] = await client.destroySecretVersion({ name });
    expect(scheduled.state).toBe('DISABLED');
    expect(scheduled.scheduledDestroyTime?.seconds).toBeTruthy();
    const [enabled] = await client.enableSecretVersion({ name });
    expect(enabled.state).toBe('ENABLED');
    expect(enabled.scheduledDestroyTime).toBeFalsy();
  });
});

describe('etags', () => {
  test('a stale etag fails with FAILED_PRECONDITION and changes nothing; the current one works', async () => {
    await createSecret('e');
    const v = await addVersion('e', 'value');
    await client.enableSecretVersion({ name: v.name }); // a no-op that still changes the etag
    const stale = await failure(client.disableSecretVersion({ name: v.name, etag: v.etag }));
    expect(stale.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(await versionState('e', 1)).toBe('ENABLED');
    const [current] = await client.getSecretVersion({ name: v.name });
    const [disabled] = await client.disableSecretVersion({ name: v.name, etag: current.etag });
    expect(disabled.state).toBe('DISABLED');
  });

  test('version changes leave the secret etag alone, and secret updates leave version etags alone', async () => {
    const secret = await createSecret('e');
    const v = await addVersion('e', 'value');
    await client.disableSecretVersion({ name: v.name });
    const [afterVersionChange] = await client.getSecret({ name: secretName('e') });
    expect(afterVersionChange.etag).toBe(secret.etag);
    const [versionBefore] = await client.getSecretVersion({ name: v.name });
    const [updated] = await client.updateSecret({
      secret: { name: secretName('e'), labels: { a: 'b' } },
      updateMask: { paths: ['labels'] },
    });
    expect(updated.etag).not.toBe(secret.etag);
    const [versionAfter] = await client.getSecretVersion({ name: v.name });
    expect(versionAfter.etag).toBe(versionBefore.etag);
  });

  test('UpdateSecret and DeleteSecret check the secret etag', async () => {
    const secret = await createSecret('e');
    await client.updateSecret({ secret: { name: secretName('e'), labels: { a: 'b' } }, updateMask: { paths: ['labels'] } });
    const update = await failure(
      client.updateSecret({ secret: { name: secretName('e'), labels: { c: 'd' }, etag: secret.etag }, updateMask: { paths: ['labels'] } }),
    );
    expect(update.code).toBe(grpc.status.FAILED_PRECONDITION);
    const del = await failure(client.deleteSecret({ name: secretName('e'), etag: secret.etag }));
    expect(del.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(emu.secretIds()).toEqual(['e']);
  });
});

describe('listing', () => {
  test('ListSecretVersions: newest first, pages end with an empty token, state filter', async () => {
    await createSecret('l');
    for (const value of ['1', '2', '3', '4', '5']) await addVersion('l', value);
    await client.disableSecretVersion({ name: `${secretName('l')}/versions/4` });

    const [all] = await client.listSecretVersions({ parent: secretName('l') });
    expect(all.map((v) => v.name!.split('/').pop())).toEqual(['5', '4', '3', '2', '1']);

    const seen: string[] = [];
    const tokens: string[] = [];
    let pageToken: string | undefined;
    do {
      const [page, , raw] = await client.listSecretVersions({ parent: secretName('l'), pageSize: 2, pageToken }, { autoPaginate: false });
      seen.push(...page.map((v) => v.name!.split('/').pop()!));
      pageToken = raw!.nextPageToken ?? '';
      tokens.push(pageToken);
      expect(raw!.totalSize).toBe(5);
    } while (pageToken);
    expect(seen).toEqual(['5', '4', '3', '2', '1']);
    expect(tokens.map((t) => t === '')).toEqual([false, false, true]);

    const [enabled] = await client.listSecretVersions({ parent: secretName('l'), filter: 'state:ENABLED' });
    expect(enabled.map((v) => v.name!.split('/').pop())).toEqual(['5', '3', '2', '1']);
    const [disabled] = await client.listSecretVersions({ parent: secretName('l'), filter: 'state:DISABLED' });
    expect(disabled.map((v) => v.name!.split('/').pop())).toEqual(['4']);
  });

  test('a page token from another listing is rejected', async () => {
    await createSecret('a');
    await createSecret('b');
    for (const value of ['1', '2', '3']) await addVersion('a', value);
    const [, , raw] = await client.listSecretVersions({ parent: secretName('a'), pageSize: 1 }, { autoPaginate: false });
    const err = await failure(client.listSecretVersions({ parent: secretName('b'), pageSize: 1, pageToken: raw!.nextPageToken! }, { autoPaginate: false }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  test('ListSecrets: newest first, paged, names by project number', async () => {
    for (const id of ['s1', 's2', 's3']) await createSecret(id);
    const [first, , raw] = await client.listSecrets({ parent: `projects/${PROJECT}`, pageSize: 2 }, { autoPaginate: false });
    expect(first.map((s) => s.name)).toEqual([`projects/${NUMBER}/secrets/s3`, `projects/${NUMBER}/secrets/s2`]);
    const [second, , last] = await client.listSecrets({ parent: `projects/${PROJECT}`, pageSize: 2, pageToken: raw!.nextPageToken! }, { autoPaginate: false });
    expect(second.map((s) => s.name)).toEqual([`projects/${NUMBER}/secrets/s1`]);
    expect(last!.nextPageToken).toBe('');
  });
});

describe('UpdateSecret and DeleteSecret', () => {
  test('update_mask is required and only the masked fields change', async () => {
    await createSecret('u', { labels: { a: 'b' }, annotations: { note: 'keep me' } });
    const missing = await failure(client.updateSecret({ secret: { name: secretName('u'), labels: {} } }));
    expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [updated] = await client.updateSecret({
      secret: { name: secretName('u'), labels: { c: 'd' }, annotations: { other: 'ignored' } },
      updateMask: { paths: ['labels'] },
    });
    expect(updated.labels).toEqual({ c: 'd' });
    expect(updated.annotations).toEqual({ note: 'keep me' });
  });

  test('invalid labels and an immutable field are rejected', async () => {
    await createSecret('u', { labels: { a: 'b' } });
    const bad = await failure(client.updateSecret({ secret: { name: secretName('u'), labels: { A: 'b' } }, updateMask: { paths: ['labels'] } }));
    expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
    const immutable = await failure(
      client.updateSecret({ secret: { name: secretName('u'), replication: { automatic: {} } }, updateMask: { paths: ['replication'] } }),
    );
    expect(immutable.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [secret] = await client.getSecret({ name: secretName('u') });
    expect(secret.labels).toEqual({ a: 'b' });
  });

  test('delete removes the secret and its versions at once', async () => {
    await createSecret('d');
    await addVersion('d', 'gone');
    await client.deleteSecret({ name: secretName('d') });
    expect((await failure(client.getSecret({ name: secretName('d') }))).code).toBe(grpc.status.NOT_FOUND);
    expect(emu.secretIds()).toEqual([]);
    // The canary's haystack keeps every value ever stored.
    expect(emu.storedValues()).toEqual(['gone']);
  });
});

describe('fault injection', () => {
  test.each([
    ['not_found', grpc.status.NOT_FOUND],
    ['permission_denied', grpc.status.PERMISSION_DENIED],
    ['throttled', grpc.status.RESOURCE_EXHAUSTED],
    ['unavailable', grpc.status.UNAVAILABLE],
    ['internal', grpc.status.INTERNAL],
    ['invalid', grpc.status.INVALID_ARGUMENT],
  ] as const)('%s answers with gRPC status %i and does not carry out the call', async (error, code) => {
    await createSecret('f');
    emu.faults.add({ operation: 'AddSecretVersion', error, times: 1 });
    const err = await failure(addVersion('f', 'faulted value'));
    expect(err.code).toBe(code);
    // Injected errors echo the request, the worst a server could do: adapter tests rely on it.
    expect(err.details).toContain('faulted value');
    expect(emu.storedValues()).toEqual([]);
    await addVersion('f', 'after the fault');
    expect(emu.requests.filter((r) => r === 'AddSecretVersion')).toHaveLength(2);
  });

  test('drop kills the connection: the client sees UNAVAILABLE, and the next call reconnects', async () => {
    await createSecret('f');
    emu.faults.add({ operation: 'AddSecretVersion', drop: true, times: 1 });
    const err = await failure(addVersion('f', 'dropped'));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(emu.storedValues()).toEqual([]);
    await addVersion('f', 'kept');
    expect(emu.storedValues()).toEqual(['kept']);
  });

  test('latency past the deadline: DEADLINE_EXCEEDED, and the emulator abandons the call', async () => {
    await createSecret('f');
    emu.faults.add({ operation: 'AddSecretVersion', latencyMs: 600, times: 1 });
    const err = await failure(client.addSecretVersion({ parent: secretName('f'), payload: { data: Buffer.from('late') } }, { timeout: 150, retry: null }));
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Wait out the injected delay so a wrongly completed call would have landed by now.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(emu.storedValues()).toEqual([]);
  });

  test('latency within the deadline only delays the answer', async () => {
    await createSecret('f');
    emu.faults.add({ operation: 'AddSecretVersion', latencyMs: 100, times: 1 });
    const v = await addVersion('f', 'slow');
    expect(v.name).toBe(`projects/${NUMBER}/secrets/f/versions/1`);
  });
});
