// The rotation run lease against the test database: short (ROTATION_LEASE_SECONDS, 2 s
// here), kept alive by the holder's heartbeat however long its step takes, lapsing within
// seconds when the holder stops renewing it (a dead process), and the takeover says whose
// step it interrupted. The crash test (rotation-crash.test.ts) covers the whole worker.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { claimRun, holdingLease, releaseRun } from '@/lib/rotation/runs';
import { seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

// Read lazily by lib/env.ts, on first use in this file's own module registry.
process.env.ROTATION_LEASE_SECONDS = '2';

useTestDatabase();

let connectionId: string;
beforeAll(async () => {
  connectionId = (await seedConnection('local')).id;
});

async function openRun(): Promise<string> {
  const secret = await seedConnectedSecret(connectionId);
  const run = await db.rotationRun.create({ data: { secretId: secret.id, strategy: 'generated', trigger: 'manual', graceHours: 0 } });
  return run.id;
}

describe('rotation run lease', () => {
  it('a holder that keeps working keeps its lease past the lease time', async () => {
    const runId = await openRun();
    const mine = await claimRun(runId, 'worker-a', new Date());
    expect(mine?.takenOverFrom).toBeNull();
    const others: (string | null)[] = [];
    await holdingLease(runId, 'worker-a', async () => {
      // Three lease times of "slow provider call", another worker trying all along.
      for (let i = 0; i < 12; i += 1) {
        await sleep(500);
        others.push((await claimRun(runId, 'worker-b', new Date()))?.leaseOwner ?? null);
      }
    });
    expect(others.every((o) => o === null)).toBe(true);
    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).leaseOwner).toBe('worker-a');
    await releaseRun(runId, 'worker-a');
  }, 30_000);

  it('a holder that stops renewing (a dead process) loses its lease within seconds, and the taker knows whose step it was', async () => {
    const runId = await openRun();
    await claimRun(runId, 'person:someone:1', new Date(), true);
    expect(await claimRun(runId, 'worker-b', new Date())).toBeNull();
    const started = Date.now();
    let taken = null;
    while (!taken && Date.now() - started < 15_000) {
      await sleep(250);
      taken = await claimRun(runId, 'worker-b', new Date());
    }
    expect(taken?.leaseOwner).toBe('worker-b');
    expect(taken?.takenOverFrom).toBe('person:someone:1');
  }, 30_000);

  it('the same worker takes back its own lease at once (a restart), and marks it taken over', async () => {
    const runId = await openRun();
    await claimRun(runId, 'worker-a', new Date());
    const again = await claimRun(runId, 'worker-a', new Date());
    expect(again?.takenOverFrom).toBe('worker-a');
    await releaseRun(runId, 'worker-a');
    expect((await claimRun(runId, 'worker-a', new Date()))?.takenOverFrom).toBeNull();
  });
});
