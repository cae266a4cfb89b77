// The soak's consistency check against real writes (the local development provider) and a
// real audit chain: a clean state passes; a lost version row, an unrecorded provider
// version and an unsettled pending write are each named.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAndRecord } from '@/lib/audit/verifications';
import { listSecretVersions, writeSecretValue } from '@/lib/data/secret-values';
import type { Caller } from '@/lib/auth/caller';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../../test/support/seed';
import { useTestDatabase } from '../../test/support/test-database';
import { checkConsistency, type ConsistencyInput } from './consistency';

useTestDatabase();

let client: pg.Client;
let engineer: Caller;
let secret: { id: string; providerRef: string };
const confirmed: ConsistencyInput['confirmed'] = [];

const input = (overrides: Partial<ConsistencyInput> = {}): ConsistencyInput => ({
  confirmed,
  confirmedEdits: new Map(),
  secrets: [secret],
  providerVersions: async () => (await listSecretVersions(engineer, secret.id)).versions.map((v) => v.versionId),
  verifyChain: async () => {
    const r = await verifyAndRecord();
    return { ok: r.ok, message: r.message };
  },
  ...overrides,
});

beforeAll(async () => {
  const connection = await seedConnection('local');
  secret = await seedConnectedSecret(connection.id);
  engineer = await joinOwningTeam(await callerAs('engineer'), secret.id);
  for (let i = 0; i < 2; i++) {
    const token = randomUUID();
    const written = await writeSecretValue(
      engineer,
      secret.id,
      { mode: 'generate', note: '', idempotencyToken: token, alphabet: 'hex', length: 32 },
      undefined,
    );
    confirmed.push({ token, secretId: secret.id, versionId: written.versionId });
  }
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe('the soak consistency check', () => {
  it('passes when every write is recorded, audited and at the provider', async () => {
    const result = await checkConsistency(client, input());
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, confirmedWrites: 2, versionRows: 2, providerVersions: 2, pendingWrites: 0 });
  });

  it('names a confirmed write without its row, a provider version without a row and a pending write', async () => {
    const lost = { token: randomUUID(), secretId: secret.id, versionId: 'never-recorded' };
    await client.query('INSERT INTO pending_value_writes (idempotency_token, secret_id) VALUES ($1, $2)', [randomUUID(), secret.id]);
    const result = await checkConsistency(
      client,
      input({
        confirmed: [...confirmed, lost],
        providerVersions: async () => [...confirmed.map((c) => c.versionId), 'orphan-at-provider'],
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`confirmed write ${lost.token} .* has no version row`)),
        expect.stringMatching(/confirmed write .* \(version never-recorded\) has no secret.value_write event/),
        expect.stringMatching(/provider version orphan-at-provider .* has no version row/),
        '1 pending value writes left unsettled',
      ]),
    );
    expect(result.problems).toHaveLength(4);
  });
});
