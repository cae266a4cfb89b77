// The consumers a secret declares (secret_consumers), with the identities adoption evidence
// can name them by. Decommissioned systems are left out: they no longer run, so they must
// not hold a retirement; if one still reads, the evidence shows its principal as an
// undeclared reader instead.
import 'server-only';
import { db } from '@/lib/db';
import type { DeclaredConsumer } from './types';

export async function declaredConsumers(secretId: string): Promise<DeclaredConsumer[]> {
  const rows = await db.secretConsumer.findMany({
    where: { secretId, system: { status: 'active' } },
    select: { system: { select: { id: true, name: true, principals: true } } },
    orderBy: { system: { name: 'asc' } },
  });
  return rows.map(({ system }) => ({
    systemId: system.id,
    name: system.name,
    principals: [...new Set(system.principals.map((p) => p.trim()).filter((p) => p !== ''))],
  }));
}
