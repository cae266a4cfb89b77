// Conformance of the AWS Secrets Manager emulator against the spec (cloud-apis.md section A),
// driven by the real SDK client over loopback. The provider tests trust this emulator, so
// the label rules, idempotency and error shapes it implements are pinned here.
import { randomUUID } from 'node:crypto';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type Filter,
  type ListSecretsCommandInput,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSecretsManagerEmulator, startAwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { expectAwsError, secretsManagerClient } from '../support/aws-client';

let emulator: AwsSecretsManagerEmulator;
let sm: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startAwsSecretsManagerEmulator();
  sm = secretsManagerClient(emulator);
});
afterAll(async () => {
  sm.destroy();
  await emulator.close();
});
beforeEach(() => emulator.reset());

const token = () => randomUUID();

async function stagesOf(secretId: string): Promise<Record<string, string[]>> {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return described.VersionIdsToStages ?? {};
}

async function createWithValue(name: string, value = 'v1', extra: Partial<ConstructorParameters<typeof CreateSecretCommand>[0]> = {}) {
  const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token(), ...extra }));
  return { arn: out.ARN!, v1: out.VersionId! };
}

describe('staging labels', () => {
  it('gives the first value AWSCURRENT and moves AWSCURRENT/AWSPREVIOUS on each plain put; the third-oldest becomes deprecated', async () => {
    const { v1 } = await createWithValue('app/db');
    expect(await stagesOf('app/db')).toEqual({ [v1]: ['AWSCURRENT'] });

    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: 'v2', ClientRequestToken: token() }))).VersionId!;
    expect(await stagesOf('app/db')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });

    const put3 = await sm.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: 'v3', ClientRequestToken: token() }));
    expect(put3.VersionStages).toEqual(['AWSCURRENT']);
    const v3 = put3.VersionId!;
    expect(await stagesOf('app/db')).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });

    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'app/db' }));
    expect(listed.Versions!.map((v) => v.VersionId).sort()).toEqual([v2, v3].sort());
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'app/db', IncludeDeprecated: true }));
    expect(all.Versions!.map((v) => v.VersionId)).toEqual([v3, v2, v1]);
    expect(all.Versions!.find((v) => v.VersionId === v1)!.VersionStages ?? []).toEqual([]);
  });

  it('puts a version with AWSPENDING next to the current one, leaving AWSCURRENT and AWSPREVIOUS in place', async () => {
    const { v1 } = await createWithValue('rot');
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: 'rot', SecretString: 'v2', ClientRequestToken: token() }))).VersionId!;
    const pending = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rot', SecretString: 'p', ClientRequestToken: token(), VersionStages: ['AWSPENDING'] }),
    );
    expect(pending.VersionStages).toEqual(['AWSPENDING']);
    expect(await stagesOf('rot')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'], [pending.VersionId!]: ['AWSPENDING'] });

    // A second AWSPENDING put takes the label off the first pending version, which becomes deprecated.
    const pending2 = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rot', SecretString: 'p2', ClientRequestToken: token(), VersionStages: ['AWSPENDING'] }),
    );
    expect(await stagesOf('rot')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'], [pending2.VersionId!]: ['AWSPENDING'] });
  });

  it('makes the first value current even when it is put with AWSPENDING only', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'empty', ClientRequestToken: token() }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'empty', SecretString: 'p', ClientRequestToken: token(), VersionStages: ['AWSPENDING'] }));
    expect(put.VersionStages).toEqual(['AWSPENDING', 'AWSCURRENT']);
  });

  it('moves the other listed labels and AWSCURRENT (with AWSPREVIOUS following) when VersionStages contains AWSCURRENT', async () => {
    const { v1 } = await createWithValue('multi');
    const custom = await sm.send(new PutSecretValueCommand({ SecretId: 'multi', SecretString: 'c', ClientRequestToken: token(), VersionStages: ['BLUE'] }));
    const both = await sm.send(
      new PutSecretValueCommand({ SecretId: 'multi', SecretString: 'b', ClientRequestToken: token(), VersionStages: ['AWSCURRENT', 'BLUE'] }),
    );
    expect(new Set(both.VersionStages)).toEqual(new Set(['AWSCURRENT', 'BLUE']));
    expect(await stagesOf('multi')).toEqual({ [v1]: ['AWSPREVIOUS'], [both.VersionId!]: expect.arrayContaining(['AWSCURRENT', 'BLUE']) });
    expect((await stagesOf('multi'))[custom.VersionId!]).toBeUndefined();
  });

  it('UpdateSecretVersionStage demands RemoveFromVersionId when the label sits elsewhere, with the AWS message', async () => {
    const { v1 } = await createWithValue('stage');
    const pending = (
      await sm.send(new PutSecretValueCommand({ SecretId: 'stage', SecretString: 'p', ClientRequestToken: token(), VersionStages: ['AWSPENDING'] }))
    ).VersionId!;
    await expectAwsError(sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'stage', VersionStage: 'AWSCURRENT', MoveToVersionId: pending })), {
      name: 'InvalidParameterException',
      status: 400,
      message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
    });
    // A RemoveFromVersionId that does not hold the label is refused too.
    await expectAwsError(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'stage', VersionStage: 'AWSCURRENT', MoveToVersionId: pending, RemoveFromVersionId: pending })),
      { name: 'InvalidParameterException', status: 400 },
    );
    await expectAwsError(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'stage', VersionStage: 'AWSCURRENT', MoveToVersionId: randomUUID(), RemoveFromVersionId: v1 })),
      {
        name: 'InvalidParameterException',
        status: 400,
        message: /^Not a valid version: /,
      },
    );
    expect(await stagesOf('stage')).toEqual({ [v1]: ['AWSCURRENT'], [pending]: ['AWSPENDING'] });
  });

  it('moving AWSCURRENT onto the AWSPENDING version keeps both labels there and puts AWSPREVIOUS on the old current', async () => {
    const { v1 } = await createWithValue('promote');
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: 'promote', SecretString: 'v2', ClientRequestToken: token() }))).VersionId!;
    const pending = (
      await sm.send(new PutSecretValueCommand({ SecretId: 'promote', SecretString: 'p', ClientRequestToken: token(), VersionStages: ['AWSPENDING'] }))
    ).VersionId!;
    const out = await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: 'promote', VersionStage: 'AWSCURRENT', MoveToVersionId: pending, RemoveFromVersionId: v2 }),
    );
    expect(out.Name).toBe('promote');
    const stages = await stagesOf('promote');
    expect(new Set(stages[pending])).toEqual(new Set(['AWSCURRENT', 'AWSPENDING']));
    expect(stages[v2]).toEqual(['AWSPREVIOUS']);
    expect(stages[v1]).toBeUndefined();
    const read = await sm.send(new GetSecretValueCommand({ SecretId: 'promote' }));
    expect(read.VersionId).toBe(pending);
  });

  it('removes a label when MoveToVersionId is left out; a version without labels is deprecated', async () => {
    await createWithValue('remove');
    const blue = (await sm.send(new PutSecretValueCommand({ SecretId: 'remove', SecretString: 'b', ClientRequestToken: token(), VersionStages: ['BLUE'] })))
      .VersionId!;
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'remove', VersionStage: 'BLUE', RemoveFromVersionId: blue }));
    expect((await stagesOf('remove'))[blue]).toBeUndefined();
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'remove' }));
    expect(versions.Versions!.map((v) => v.VersionId)).not.toContain(blue);
    // Until the service deletes it, the deprecated version can still be read by id.
    const read = await sm.send(new GetSecretValueCommand({ SecretId: 'remove', VersionId: blue }));
    expect(read.SecretString).toBe('b');
    expect(read.VersionStages).toEqual([]);
  });

  it('UpdateSecret with a value adds a current version; without one it only changes metadata', async () => {
    const { v1 } = await createWithValue('upd');
    const meta = await sm.send(new UpdateSecretCommand({ SecretId: 'upd', Description: 'now described' }));
    expect(meta.VersionId).toBeUndefined();
    const withValue = await sm.send(new UpdateSecretCommand({ SecretId: 'upd', SecretString: 'v2', ClientRequestToken: token() }));
    expect(await stagesOf('upd')).toEqual({ [v1]: ['AWSPREVIOUS'], [withValue.VersionId!]: ['AWSCURRENT'] });
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'upd' }))).Description).toBe('now described');
  });
});

describe('ClientRequestToken idempotency', () => {
  it('repeats a put with the same token and value without a new version, and refuses a different value', async () => {
    const { arn } = await createWithValue('idem');
    const t = token();
    const first = await sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'same', ClientRequestToken: t }));
    const again = await sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'same', ClientRequestToken: t }));
    expect(first.VersionId).toBe(t);
    expect(again).toMatchObject({ ARN: arn, Name: 'idem', VersionId: t, VersionStages: ['AWSCURRENT'] });
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'idem', IncludeDeprecated: true }));
    expect(versions.Versions).toHaveLength(2);

    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'different', ClientRequestToken: t })), {
      name: 'ResourceExistsException',
      status: 400,
      message: `You can't use ClientRequestToken ${t} because that value is already in use for a version of secret ${arn}.`,
    });
    expect(emulator.storedValues()).toEqual(['v1', 'same']);
  });

  it('repeats CreateSecret with the same name, token and value; a new token on an existing name is ResourceExistsException', async () => {
    const t = token();
    const first = await sm.send(new CreateSecretCommand({ Name: 'create-twice', SecretString: 'x', ClientRequestToken: t }));
    const again = await sm.send(new CreateSecretCommand({ Name: 'create-twice', SecretString: 'x', ClientRequestToken: t }));
    expect(first.VersionId).toBe(t);
    expect(again).toMatchObject({ ARN: first.ARN, Name: 'create-twice', VersionId: t });
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'create-twice', SecretString: 'x', ClientRequestToken: token() })), {
      name: 'ResourceExistsException',
      status: 400,
      message: 'The operation failed because the secret create-twice already exists.',
    });
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'create-twice', SecretString: 'y', ClientRequestToken: t })), {
      name: 'ResourceExistsException',
      status: 400,
      message: /already in use for a version of secret/,
    });
    expect(emulator.describe('create-twice')!.versions).toHaveLength(1);
  });

  it('fills a token in when the caller leaves it out (the SDK does), so plain puts still create versions', async () => {
    await createWithValue('auto');
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'auto', SecretString: 'v2' }));
    expect(put.VersionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('wire format and errors', () => {
  async function raw(operation: string, body: unknown) {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `secretsmanager.${operation}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/20250101/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
  }

  it('answers errors with HTTP 400, {__type, Message}, x-amzn-ErrorType and x-amzn-RequestId', async () => {
    const missing = await raw('GetSecretValue', { SecretId: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(missing.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = await raw('FlyToTheMoon', {});
    expect(unknown.status).toBe(400);
    expect(unknown.json.__type).toBe('UnknownOperationException');
  });

  it('sends epoch-second timestamps, leaves out absent fields and never sends null', async () => {
    const before = Date.now() / 1000;
    await raw('CreateSecret', { Name: 'wire', ClientRequestToken: token() });
    const described = await raw('DescribeSecret', { SecretId: 'wire' });
    expect(described.status).toBe(200);
    expect(Object.keys(described.json).sort()).toEqual(['ARN', 'CreatedDate', 'LastChangedDate', 'Name']);
    expect(typeof described.json.CreatedDate).toBe('number');
    expect(described.json.CreatedDate as number).toBeGreaterThanOrEqual(Math.floor(before));
    expect(described.json.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:wire-[A-Za-z0-9]{6}$/);
    expect(JSON.stringify(described.json)).not.toContain('null');
    expect(described.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('maps each injected fault to its AWS code and status, and records the operations it received', async () => {
    const cases = [
      ['not_found', 'ResourceNotFoundException', 400],
      ['permission_denied', 'AccessDeniedException', 400],
      ['throttled', 'ThrottlingException', 400],
      ['unavailable', 'ServiceUnavailable', 503],
      ['internal', 'InternalServiceError', 500],
      ['invalid', 'InvalidParameterException', 400],
    ] as const;
    await createWithValue('faulty');
    for (const [fault, name, status] of cases) {
      emulator.faults.add({ operation: 'GetSecretValue', error: fault, times: 1 });
      await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'faulty' })), { name, status });
    }
    // The fault fired once each: the next read works.
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'faulty' }))).SecretString).toBe('v1');
    expect(emulator.requests).toEqual(['CreateSecret', ...cases.map(() => 'GetSecretValue'), 'GetSecretValue']);
  });

  it('drops the connection without an answer when asked to', async () => {
    emulator.faults.add({ operation: 'ListSecrets', drop: true, times: 1 });
    const error = await sm.send(new ListSecretsCommand({})).catch((e: unknown) => e as Error & { code?: string });
    expect(error).toBeInstanceOf(Error);
    expect(`${(error as { code?: string }).code} ${(error as Error).message}`).toMatch(/ECONNRESET|socket hang up/);
    expect((await sm.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
  });

  it('answers late but correctly under injected latency', async () => {
    emulator.faults.add({ operation: 'ListSecrets', latencyMs: 50, times: 1 });
    expect((await sm.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
  });

  it('accepts a 64 KiB SecretString and rejects one byte more with ValidationException that does not echo the value', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'big', SecretString: 'a'.repeat(65_536), ClientRequestToken: token() }));
    const tooBig = 'b'.repeat(65_537);
    const error = await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: 'big', SecretString: tooBig, ClientRequestToken: token() })), {
      name: 'ValidationException',
      status: 400,
    });
    expect(error.message).not.toContain('bbbb');
    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: 'big', ClientRequestToken: token() })), {
      name: 'InvalidRequestException',
      status: 400,
      message: 'You must provide either SecretString or SecretBinary.',
    });
  });

  it('resolves a secret by name, full ARN and partial ARN, within the signing region only', async () => {
    const { arn } = await createWithValue('resolve/me', 'r');
    const partial = arn.slice(0, -7);
    for (const id of ['resolve/me', arn, partial]) {
      expect((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString).toBe('r');
    }
    const elsewhere = secretsManagerClient(emulator, 'us-west-2');
    await expectAwsError(elsewhere.send(new GetSecretValueCommand({ SecretId: 'resolve/me' })), { name: 'ResourceNotFoundException', status: 400 });
    expect((await elsewhere.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    elsewhere.destroy();
  });
});

describe('GetSecretValue', () => {
  it('reads by stage and by version, and rejects unknown ones with the AWS messages', async () => {
    const { v1 } = await createWithValue('read', 'one');
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: 'read', SecretString: 'two', ClientRequestToken: token() }))).VersionId!;
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'read' }));
    expect(current).toMatchObject({ Name: 'read', VersionId: v2, SecretString: 'two', VersionStages: ['AWSCURRENT'] });
    expect(current.CreatedDate).toBeInstanceOf(Date);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('one');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionId: v1 }))).SecretString).toBe('one');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionId: v1, VersionStage: 'AWSPREVIOUS' }))).VersionId).toBe(v1);

    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionId: v1, VersionStage: 'AWSCURRENT' })), {
      name: 'InvalidRequestException',
      status: 400,
      message: 'You provided a VersionStage that is not associated to the provided VersionId.',
    });
    const unknownVersion = randomUUID();
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionId: unknownVersion })), {
      name: 'ResourceNotFoundException',
      status: 400,
      message: `Secrets Manager can't find the specified secret value for VersionId: ${unknownVersion}`,
    });
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'read', VersionStage: 'AWSPENDING' })), {
      name: 'ResourceNotFoundException',
      status: 400,
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
  });

  it('reports a secret without a value as not found for AWSCURRENT', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'novalue', ClientRequestToken: token() }));
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'novalue' })), {
      name: 'ResourceNotFoundException',
      status: 400,
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
  });

  it('sets LastAccessedDate to midnight UTC of the day of the read', async () => {
    await createWithValue('accessed');
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'accessed' }))).LastAccessedDate).toBeUndefined();
    await sm.send(new GetSecretValueCommand({ SecretId: 'accessed' }));
    const accessed = (await sm.send(new DescribeSecretCommand({ SecretId: 'accessed' }))).LastAccessedDate!;
    const today = new Date();
    expect(accessed.toISOString()).toBe(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString());
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'accessed' }));
    expect(versions.Versions![0].LastAccessedDate!.toISOString()).toBe(accessed.toISOString());
  });
});

describe('ListSecrets', () => {
  async function names(input: ListSecretsCommandInput): Promise<string[]> {
    const out = await sm.send(new ListSecretsCommand(input));
    return (out.SecretList ?? []).map((s) => s.Name!);
  }
  const filtered = (...filters: Filter[]) => names({ Filters: filters });

  beforeEach(async () => {
    await createWithValue('prod/db/password', 'x', {
      Description: 'Primary database login',
      Tags: [
        { Key: 'env', Value: 'production' },
        { Key: 'team', Value: 'payments' },
      ],
    });
    await createWithValue('prod/api-key', 'x', { Description: 'Stripe key', Tags: [{ Key: 'env', Value: 'production' }] });
    await createWithValue('staging/db/password', 'x', { Tags: [{ Key: 'env', Value: 'staging' }] });
    await createWithValue('SecretOne', 'x', { Description: 'one two' });
    await createWithValue('Prod-upper', 'x');
  });

  it('matches name, tag-key and tag-value as case-sensitive prefixes', async () => {
    expect(await filtered({ Key: 'name', Values: ['prod/'] })).toEqual(['prod/db/password', 'prod/api-key']);
    expect(await filtered({ Key: 'name', Values: ['Prod'] })).toEqual(['Prod-upper']);
    expect(await filtered({ Key: 'tag-key', Values: ['tea'] })).toEqual(['prod/db/password']);
    expect(await filtered({ Key: 'tag-value', Values: ['prod'] })).toEqual(['prod/db/password', 'prod/api-key']);
    expect(await filtered({ Key: 'tag-value', Values: ['Prod'] })).toEqual([]);
  });

  it('matches description and all by word prefix, ignoring case', async () => {
    expect(await filtered({ Key: 'description', Values: ['t'] })).toEqual(['SecretOne']);
    expect(await filtered({ Key: 'description', Values: ['DATA'] })).toEqual(['prod/db/password']);
    expect(await filtered({ Key: 'all', Values: ['payments'] })).toEqual(['prod/db/password']);
    expect(await filtered({ Key: 'all', Values: ['stripe'] })).toEqual(['prod/api-key']);
    expect(await filtered({ Key: 'all', Values: ['ret'] })).toEqual([]);
    expect(await filtered({ Key: 'all', Values: ['one'] })).toEqual(['SecretOne']);
  });

  it('ORs values within a filter, ANDs separate filters (even with the same key) and negates with !', async () => {
    expect(await filtered({ Key: 'name', Values: ['staging/', 'Secret'] })).toEqual(['staging/db/password', 'SecretOne']);
    expect(await filtered({ Key: 'name', Values: ['prod/'] }, { Key: 'name', Values: ['prod/db'] })).toEqual(['prod/db/password']);
    expect(await filtered({ Key: 'tag-value', Values: ['production'] }, { Key: 'tag-key', Values: ['!team'] })).toEqual(['prod/api-key']);
    expect(await filtered({ Key: 'name', Values: ['!prod/'] })).toEqual(['staging/db/password', 'SecretOne', 'Prod-upper']);
  });

  it('rejects bad filters with the documented codes', async () => {
    await expectAwsError(sm.send(new ListSecretsCommand({ Filters: [{ Key: 'colour' as never, Values: ['x'] }] })), {
      name: 'ValidationException',
      status: 400,
      message: /Value 'colour' at 'filters.1.member.key' failed to satisfy constraint/,
    });
    await expectAwsError(sm.send(new ListSecretsCommand({ Filters: [{ Values: ['x'] }] })), {
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid filter key',
    });
    await expectAwsError(sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name' }] })), { name: 'InvalidParameterException', status: 400 });
  });

  it('pages with MaxResults and NextToken, sorts by creation, and refuses a forged token', async () => {
    const first = await sm.send(new ListSecretsCommand({ MaxResults: 2 }));
    expect(first.SecretList!.map((s) => s.Name)).toEqual(['prod/db/password', 'prod/api-key']);
    expect(first.SecretList![0].SecretVersionsToStages).toBeDefined();
    const second = await sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    const third = await sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken: second.NextToken }));
    expect([...second.SecretList!, ...third.SecretList!].map((s) => s.Name)).toEqual(['staging/db/password', 'SecretOne', 'Prod-upper']);
    expect(third.NextToken).toBeUndefined();
    expect(await names({ SortOrder: 'desc', MaxResults: 2 })).toEqual(['Prod-upper', 'SecretOne']);
    await expectAwsError(sm.send(new ListSecretsCommand({ NextToken: 'forged' })), { name: 'InvalidNextTokenException', status: 400 });
    // A token only replays with the query it came from.
    await expectAwsError(sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken: first.NextToken, SortOrder: 'desc' })), {
      name: 'InvalidNextTokenException',
      status: 400,
    });
  });

  it('hides secrets scheduled for deletion unless IncludePlannedDeletion', async () => {
    await sm.send(new DeleteSecretCommand({ SecretId: 'SecretOne', RecoveryWindowInDays: 7 }));
    expect(await names({})).not.toContain('SecretOne');
    const withDeleted = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(withDeleted.SecretList!.find((s) => s.Name === 'SecretOne')!.DeletedDate).toBeInstanceOf(Date);
  });
});

describe('ListSecretVersionIds', () => {
  it('pages newest first and shows deprecated versions only with IncludeDeprecated', async () => {
    const { v1 } = await createWithValue('many');
    const ids = [v1];
    for (let i = 2; i <= 5; i++)
      ids.push((await sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: `v${i}`, ClientRequestToken: token() }))).VersionId!);
    const labelled = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'many' }));
    expect(labelled.Versions!.map((v) => v.VersionId)).toEqual([ids[4], ids[3]]);
    expect(labelled).toMatchObject({ Name: 'many' });

    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'many', IncludeDeprecated: true, MaxResults: 2, NextToken: next }));
      expect(page.Versions!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Versions!.map((v) => v.VersionId!));
      next = page.NextToken;
    } while (next);
    expect(seen).toEqual([...ids].reverse());
    await expectAwsError(sm.send(new ListSecretVersionIdsCommand({ SecretId: 'missing' })), { name: 'ResourceNotFoundException', status: 400 });
  });
});

describe('tags', () => {
  it('appends and overwrites with TagResource, removes idempotently with UntagResource', async () => {
    await createWithValue('tagged', 'x', { Tags: [{ Key: 'a', Value: '1' }] });
    await sm.send(
      new TagResourceCommand({
        SecretId: 'tagged',
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }))).Tags).toEqual([
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '3' },
    ]);
    await sm.send(new UntagResourceCommand({ SecretId: 'tagged', TagKeys: ['a', 'not-there'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }))).Tags).toEqual([{ Key: 'b', Value: '3' }]);
    await expectAwsError(sm.send(new TagResourceCommand({ SecretId: 'tagged', Tags: [{ Key: 'bad#key', Value: 'x' }] })), {
      name: 'ValidationException',
      status: 400,
    });
  });
});

describe('deletion', () => {
  it('marks a secret deleted: reads, writes and tags fail with InvalidRequestException, describe shows DeletedDate, restore undoes it', async () => {
    const { arn } = await createWithValue('doomed');
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    expect(deleted.ARN).toBe(arn);
    expect(Math.round((deleted.DeletionDate!.getTime() - Date.now()) / 86_400_000)).toBe(7);

    const markedDeleted = { name: 'InvalidRequestException', status: 400 };
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' })), { ...markedDeleted, message: /currently marked deleted/ });
    await expectAwsError(sm.send(new PutSecretValueCommand({ SecretId: 'doomed', SecretString: 'x', ClientRequestToken: token() })), markedDeleted);
    await expectAwsError(sm.send(new TagResourceCommand({ SecretId: 'doomed', Tags: [{ Key: 'k', Value: 'v' }] })), markedDeleted);
    await expectAwsError(sm.send(new DeleteSecretCommand({ SecretId: 'doomed' })), markedDeleted);
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x', ClientRequestToken: token() })), {
      ...markedDeleted,
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).DeletedDate).toBeInstanceOf(Date);

    await sm.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).DeletedDate).toBeUndefined();
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString).toBe('v1');
  });

  it('checks the recovery window, forces deletion at once and forgives force on a missing secret', async () => {
    await createWithValue('gone');
    await expectAwsError(sm.send(new DeleteSecretCommand({ SecretId: 'gone', RecoveryWindowInDays: 5 })), {
      name: 'InvalidParameterException',
      status: 400,
      message: /RecoveryWindowInDays value must be between 7 and 30 days \(inclusive\)/,
    });
    await expectAwsError(sm.send(new DeleteSecretCommand({ SecretId: 'gone', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), {
      name: 'InvalidParameterException',
      status: 400,
    });
    const defaultWindow = await sm.send(new DeleteSecretCommand({ SecretId: 'gone' }));
    expect(Math.round((defaultWindow.DeletionDate!.getTime() - Date.now()) / 86_400_000)).toBe(30);
    await sm.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: 'gone' })), { name: 'ResourceNotFoundException', status: 400 });
    expect((await sm.send(new DeleteSecretCommand({ SecretId: 'never-existed', ForceDeleteWithoutRecovery: true }))).Name).toBe('never-existed');
    await expectAwsError(sm.send(new DeleteSecretCommand({ SecretId: 'never-existed' })), { name: 'ResourceNotFoundException', status: 400 });
    // The name is free again after a forced delete.
    await createWithValue('gone', 'again');
  });
});

describe('rotation (RotateSecret, CancelRotateSecret, simulated Lambdas)', () => {
  const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function:rotate-db';
  const rotate = (SecretId: string, extra: Partial<ConstructorParameters<typeof RotateSecretCommand>[0]> = {}) =>
    sm.send(new RotateSecretCommand({ SecretId, ClientRequestToken: token(), RotationLambdaARN: LAMBDA, ...extra }));
  const currentValue = async (SecretId: string) => (await sm.send(new GetSecretValueCommand({ SecretId }))).SecretString;

  it('a succeeding Lambda: the token is an AWSPENDING placeholder at once, then AWSCURRENT with a new value, AWSPREVIOUS follows', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    const { v1 } = await createWithValue('rot/ok', 'before');
    const t = token();
    const out = await rotate('rot/ok', { ClientRequestToken: t, RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(out.VersionId).toBe(t);
    // Before the Lambda runs: the new version exists with AWSPENDING but has no value yet.
    expect(await stagesOf('rot/ok')).toEqual({ [v1]: ['AWSCURRENT'], [t]: ['AWSPENDING'] });
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'rot/ok', VersionStage: 'AWSPENDING' })), {
      name: 'ResourceNotFoundException',
      status: 400,
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: 'rot/ok', VersionId: t })), { name: 'ResourceNotFoundException', status: 400 });

    emulator.flushRotations();
    await emulator.rotationsSettled();
    expect(await stagesOf('rot/ok')).toEqual({ [v1]: ['AWSPREVIOUS'], [t]: ['AWSCURRENT'] });
    const after = await currentValue('rot/ok');
    expect(after).toBeTruthy();
    expect(after).not.toBe('before');
    expect(emulator.rotationInvocations()).toEqual([{ lambdaArn: LAMBDA, secretArn: out.ARN, token: t, result: 'succeeded' }]);

    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'rot/ok' }));
    expect(described.RotationEnabled).toBe(true);
    expect(described.RotationLambdaARN).toBe(LAMBDA);
    expect(described.RotationRules).toEqual({ AutomaticallyAfterDays: 30 });
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    expect(described.NextRotationDate!.getTime() - described.LastRotatedDate!.getTime()).toBe(30 * 86_400_000);
  });

  it('runs the Lambda by itself after delayMs', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 10 });
    await createWithValue('rot/delay');
    const t = (await rotate('rot/delay')).VersionId!;
    await emulator.rotationsSettled();
    expect((await stagesOf('rot/delay'))[t]).toEqual(['AWSCURRENT']);
  });

  it('a failing Lambda: the new version loses AWSPENDING and is deprecated; AWSCURRENT stays', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'fail' });
    const { v1 } = await createWithValue('rot/fail', 'kept');
    const t = (await rotate('rot/fail')).VersionId!;
    await emulator.rotationsSettled();
    expect(await stagesOf('rot/fail')).toEqual({ [v1]: ['AWSCURRENT'] });
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'rot/fail', IncludeDeprecated: true }));
    expect(all.Versions!.find((v) => v.VersionId === t)?.VersionStages).toBeUndefined();
    expect(await currentValue('rot/fail')).toBe('kept');
    expect(emulator.rotationInvocations().map((i) => i.result)).toEqual(['failed']);
  });

  it('refuses a second rotation while AWSPENDING sits on a non-current version; a replayed token starts nothing new', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    await createWithValue('rot/busy');
    const t = (await rotate('rot/busy')).VersionId!;
    await expectAwsError(rotate('rot/busy'), {
      name: 'InvalidRequestException',
      status: 400,
      message: "A previous rotation isn't complete. That rotation will be reattempted.",
    });
    expect((await rotate('rot/busy', { ClientRequestToken: t })).VersionId).toBe(t);
    expect(emulator.rotationInvocations()).toHaveLength(1);
    emulator.flushRotations();
    await emulator.rotationsSettled();
    // Done: the same token still answers with its version and runs nothing.
    expect((await rotate('rot/busy', { ClientRequestToken: t })).VersionId).toBe(t);
    expect(emulator.rotationInvocations()).toHaveLength(1);
  });

  it('does not count AWSPENDING left on the AWSCURRENT version as a rotation in progress (moto gets this backwards)', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed' });
    await createWithValue('rot/leftover');
    const both = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rot/leftover', SecretString: 'v2', ClientRequestToken: token(), VersionStages: ['AWSCURRENT', 'AWSPENDING'] }),
    );
    expect(both.VersionStages).toEqual(['AWSPENDING', 'AWSCURRENT']);
    const t = (await rotate('rot/leftover')).VersionId!;
    await emulator.rotationsSettled();
    expect(await stagesOf('rot/leftover')).toEqual({ [both.VersionId!]: ['AWSPREVIOUS'], [t]: ['AWSCURRENT'] });
  });

  it('uses the configured Lambda when none is given, and checks the Lambda, the rules and the secret state', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed' });
    await createWithValue('rot/checks');
    await expectAwsError(sm.send(new RotateSecretCommand({ SecretId: 'rot/checks', ClientRequestToken: token() })), {
      name: 'InvalidRequestException',
      status: 400,
      message: 'No Lambda rotation function ARN is associated with this secret.',
    });
    await expectAwsError(rotate('rot/checks', { RotationLambdaARN: `${LAMBDA}-unknown` }), { name: 'AccessDeniedException', status: 400 });
    for (const days of [0, 1001]) {
      await expectAwsError(rotate('rot/checks', { RotationRules: { AutomaticallyAfterDays: days } }), { name: 'InvalidParameterException', status: 400 });
    }
    await expectAwsError(rotate('rot/checks', { RotationRules: { AutomaticallyAfterDays: 7, ScheduleExpression: 'rate(7 days)' } }), {
      name: 'InvalidParameterException',
      status: 400,
    });
    // Nothing was configured by the refused calls.
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'rot/checks' }))).RotationEnabled).toBeUndefined();

    await rotate('rot/checks');
    await emulator.rotationsSettled();
    const t2 = (await sm.send(new RotateSecretCommand({ SecretId: 'rot/checks', ClientRequestToken: token() }))).VersionId!;
    await emulator.rotationsSettled();
    expect((await stagesOf('rot/checks'))[t2]).toEqual(['AWSCURRENT']);

    await sm.send(new DeleteSecretCommand({ SecretId: 'rot/checks', RecoveryWindowInDays: 7 }));
    await expectAwsError(rotate('rot/checks'), { name: 'InvalidRequestException', status: 400 });
  });

  it('RotateImmediately=false saves the configuration and creates no version', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed' });
    const { v1 } = await createWithValue('rot/later');
    const out = await rotate('rot/later', { RotateImmediately: false, RotationRules: { ScheduleExpression: 'rate(10 days)', Duration: '3h' } });
    expect(out.VersionId).toBeUndefined();
    expect(await stagesOf('rot/later')).toEqual({ [v1]: ['AWSCURRENT'] });
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'rot/later' }));
    expect(described).toMatchObject({ RotationEnabled: true, RotationRules: { ScheduleExpression: 'rate(10 days)', Duration: '3h' } });
    expect(emulator.rotationInvocations()).toEqual([]);
  });

  it('CancelRotateSecret turns rotation off, keeps the settings, names the partial version, and the Lambda then gives up', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    const { v1 } = await createWithValue('rot/cancel');
    await expectAwsError(sm.send(new CancelRotateSecretCommand({ SecretId: 'rot/cancel' })), { name: 'InvalidRequestException', status: 400 });
    const t = (await rotate('rot/cancel', { RotationRules: { AutomaticallyAfterDays: 10 } })).VersionId!;
    const cancelled = await sm.send(new CancelRotateSecretCommand({ SecretId: 'rot/cancel' }));
    expect(cancelled.VersionId).toBe(t);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'rot/cancel' }));
    expect(described).toMatchObject({ RotationEnabled: false, RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 10 } });
    expect(described.NextRotationDate).toBeUndefined();

    emulator.flushRotations();
    await emulator.rotationsSettled();
    expect(emulator.rotationInvocations().map((i) => i.result)).toEqual(['abandoned']);
    expect(await stagesOf('rot/cancel')).toEqual({ [v1]: ['AWSCURRENT'], [t]: ['AWSPENDING'] });
  });
});
