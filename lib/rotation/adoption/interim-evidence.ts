// TEMPORARY (i18-engine): stand-ins for declaredConsumers (./consumers.ts) and
// databaseObservations (./database-evidence.ts) until the i18-evidence branch lands; then
// this file goes.
import 'server-only';
import { db } from '@/lib/db';
import type { LiveSession } from '../postgres-role';
import type { DeclaredConsumer, Observation } from './types';

export async function declaredConsumers(secretId: string): Promise<DeclaredConsumer[]> {
  const rows = await db.secretConsumer.findMany({ where: { secretId }, select: { system: { select: { id: true, name: true, principals: true } } } });
  return rows.map((r) => ({ systemId: r.system.id, name: r.system.name, principals: r.system.principals })).sort((a, b) => a.name.localeCompare(b.name));
}

export function databaseObservations(input: {
  sessions: LiveSession[];
  oldUser: string | null;
  newUser: string;
  declared: DeclaredConsumer[];
  now: Date;
}): Observation[] {
  const byKey = new Map<string, Observation>();
  for (const d of input.declared) {
    byKey.set(`system:${d.systemId}`, {
      key: `system:${d.systemId}`,
      systemId: d.systemId,
      label: d.name,
      declared: true,
      observable: d.principals.length > 0,
      movedAt: null,
      onOld: false,
      oldSeenAt: null,
      evidence: {},
    });
  }
  for (const s of input.sessions) {
    const system = input.declared.find((d) => d.principals.includes(s.application) || d.principals.includes(s.clientAddress));
    const key = system ? `system:${system.systemId}` : `session:${s.clientAddress}|${s.application}`;
    const o = byKey.get(key) ?? {
      key,
      systemId: null,
      label: s.application ? `${s.clientAddress} · ${s.application}` : s.clientAddress,
      declared: false,
      observable: true,
      movedAt: null,
      onOld: false,
      oldSeenAt: null,
      evidence: {},
    };
    if (s.user === input.newUser) o.movedAt = input.now;
    if (s.user === input.oldUser) {
      o.onOld = true;
      o.oldSeenAt = input.now;
    }
    o.evidence = { ...o.evidence, clientAddress: s.clientAddress, application: s.application, [`sessions:${s.user}`]: s.sessions };
    byKey.set(key, o);
  }
  return [...byKey.values()];
}
