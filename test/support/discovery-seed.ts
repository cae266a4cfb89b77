// Discovery results written straight to the database, as a completed scan of a
// connection would leave them, for tests of what is built on the snapshot (Unmanaged,
// adoption, drift) without running a scan against an emulator.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client';
import { db } from '@/lib/db';

export async function seedCompletedScan(connectionId: string, at = new Date()) {
  return db.discoveryScan.create({
    data: { connectionId, trigger: 'manual', status: 'completed', startedAt: at, finishedAt: at },
    select: { id: true },
  });
}

export type DiscoveredFields = Partial<Omit<Prisma.DiscoveredSecretCreateManyInput, 'connectionId' | 'lastScanId'>> & { providerKey: string };

/** Rows of the snapshot for `connectionId`, seen by `scanId`; search text derived as a scan does. */
export async function seedDiscovered(connectionId: string, scanId: string, rows: DiscoveredFields[]) {
  const now = new Date();
  const data = rows.map((r) => {
    const labels = (r.labels ?? {}) as Record<string, string>;
    return {
      id: randomUUID(),
      resourceName: r.providerKey,
      firstSeenAt: now,
      lastSeenAt: now,
      searchText: [r.providerKey, r.description ?? '', ...Object.entries(labels).flat()].join(' ').toLowerCase(),
      ...r,
      connectionId,
      lastScanId: scanId,
    };
  });
  await db.discoveredSecret.createMany({ data });
  return data.map((d) => ({ id: d.id, providerKey: d.providerKey }));
}
