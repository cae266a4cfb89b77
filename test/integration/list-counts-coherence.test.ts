// The inventory's cached counts across server instances (lib/db/list-counts-cache.ts):
// two instances are two Prisma clients on pools of their own, each with its own cache, as
// two server processes have. A write through either is seen by the other on its very
// next call, not after the cache's time to live; callers whose counts statements differ
// (another team's view) never share an entry. Both run as the runtime role, as the server
// does, so the generation's triggers work with its grants.
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrismaClient } from '@/generated/prisma/client';
import { createSecret, listSecrets } from '@/lib/data/secrets';
import { secretListSql, type SecretListCounts } from '@/lib/data/sql/secret-list';
import { db } from '@/lib/db';
import { createListCountsCache, readListCountsGeneration } from '@/lib/db/list-counts-cache';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { callerAs, secretInput, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

/** A second server instance: its own client, pool and counts cache. */
let other: PrismaClient;
let otherCache: ReturnType<typeof createListCountsCache>;

beforeAll(() => {
  other = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
  otherCache = createListCountsCache(() => readListCountsGeneration(other));
});

afterAll(async () => {
  await other?.$disconnect();
});

/** The total the second instance serves for a view, and whether it had to count. */
async function otherTotal(filters: Record<string, string>) {
  const sql = secretListSql(parseSecretListQuery(filters));
  const compute = vi.fn(() => other.$queryRaw<SecretListCounts[]>(sql.counts));
  const counts = await otherCache.cachedCounts(sql.countsKey, compute);
  return { total: counts[0].total, counted: compute.mock.calls.length > 0 };
}

async function teamWithSecrets(n: number) {
  const engineer = await callerAs('engineer');
  const team = await seedTeam();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await createSecret(engineer, await secretInput({ ownerTeamId: team.id }))).id);
  return { engineer, team, ids };
}

describe('list counts across instances', () => {
  it('a write through one instance changes the counts the other serves on its very next call', async () => {
    const { engineer, team, ids } = await teamWithSecrets(2);
    expect(await otherTotal({ owner: team.id })).toEqual({ total: 2, counted: true });
    expect(await otherTotal({ owner: team.id })).toEqual({ total: 2, counted: false });

    // Through the app (this instance's client and cache), then straight away on the other.
    await createSecret(engineer, await secretInput({ ownerTeamId: team.id }));
    expect(await otherTotal({ owner: team.id })).toEqual({ total: 3, counted: true });

    // The other way round: this instance's cached counts, then a write through the other.
    expect((await listSecrets(engineer, parseSecretListQuery({ owner: team.id }))).total).toBe(3);
    await other.$executeRaw`UPDATE secrets SET status = 'decommissioned' WHERE id = ${ids[0]}::uuid`;
    expect((await listSecrets(engineer, parseSecretListQuery({ owner: team.id }))).total).toBe(2);
  });

  it('sees a change to a secret’s consumers (the system filter) on the next call', async () => {
    const { engineer, team, ids } = await teamWithSecrets(1);
    const system = await seedSystem(team.id);
    expect((await listSecrets(engineer, parseSecretListQuery({ system: system.id }))).total).toBe(0);
    await other.secretConsumer.create({ data: { secretId: ids[0], systemId: system.id } });
    expect((await listSecrets(engineer, parseSecretListQuery({ system: system.id }))).total).toBe(1);
  });

  it('does not keep counts computed while a write on another instance has not committed', async () => {
    const { engineer, team, ids } = await teamWithSecrets(2);
    const view = parseSecretListQuery({ owner: team.id });
    const before = await readListCountsGeneration(db);
    expect(before.settled).toBe(true);
    await other.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE secrets SET status = 'decommissioned' WHERE id = ${ids[0]}::uuid`;
      // The generation has moved, but the change is not visible yet: counted, not kept.
      const during = await readListCountsGeneration(db);
      expect(during).toEqual({ generation: during.generation, settled: false });
      expect(during.generation).toBeGreaterThan(before.generation);
      expect((await listSecrets(engineer, view)).total).toBe(2);
    });
    expect(await readListCountsGeneration(db)).toMatchObject({ settled: true });
    expect((await listSecrets(engineer, view)).total).toBe(1);
  });

  it('is settled again once a writer rolls back', async () => {
    const { team } = await teamWithSecrets(1);
    await expect(
      other.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE secrets SET tags = ARRAY['undone'] WHERE owner_team_id = ${team.id}::uuid`;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await readListCountsGeneration(db)).toMatchObject({ settled: true });
  });
});

describe('list counts between callers', () => {
  it('never gives another team’s caller the first caller’s cached counts', async () => {
    const first = await teamWithSecrets(2);
    const second = await teamWithSecrets(1);
    const viewer = await callerAs('viewer');
    // Each caller's view of its own team: the second is counted, not served the first's entry.
    expect((await listSecrets(first.engineer, parseSecretListQuery({ owner: first.team.id }))).total).toBe(2);
    expect((await listSecrets(second.engineer, parseSecretListQuery({ owner: second.team.id }))).total).toBe(1);
    expect((await listSecrets(viewer, parseSecretListQuery({ owner: second.team.id }))).total).toBe(1);
    expect(await otherTotal({ owner: first.team.id })).toMatchObject({ total: 2, counted: true });
    expect(await otherTotal({ owner: second.team.id })).toEqual({ total: 1, counted: true });
    // Only the very same statement shares an entry: the key is its text and values.
    const a = secretListSql(parseSecretListQuery({ owner: first.team.id }));
    const b = secretListSql(parseSecretListQuery({ owner: second.team.id }));
    expect(a.countsKey).not.toBe(b.countsKey);
  });
});
