// The Orphans report's CSV export through its route handler: a whole section across batch
// boundaries (each row once, riskiest first), the evidence columns, the audit event, and
// a signed-out refusal.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { ORPHAN_EXPORT_BATCH } from '@/lib/export/sources/orphans';
import { callerAs, environmentId, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

// The route handler reads the session through getCaller(); the tests say who is calling.
const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const { GET } = await import('@/app/api/export/orphans/route');

useTestDatabase();

type Row = { [header: string]: string };
const DAY = 86_400_000;

async function exportCsv(query: string): Promise<{ response: Response; rows: Row[] }> {
  const response = await GET(new NextRequest(`http://localhost/api/export/orphans?${query}`));
  expect(response.status).toBe(200);
  return { response, rows: parse(await response.text(), { bom: true, columns: true }) as Row[] };
}

describe('orphans export', () => {
  it('streams a whole section across batches, each row once, riskiest first, audited', async () => {
    const team = await seedTeam();
    const env = await environmentId();
    const count = ORPHAN_EXPORT_BATCH + 150;
    await db.secret.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        name: `export-orphan-${i}-${randomUUID().slice(0, 6)}`,
        environmentId: env,
        ownerTeamId: team.id,
        classification: (['critical', 'important', 'sensitive'] as const)[i % 3],
      })),
    });
    session.caller = await callerAs('viewer');
    const { response, rows } = await exportCsv('tab=unconsumed&after=abc');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="orphans-unconsumed-\d{4}-\d{2}-\d{2}\.csv"$/);
    const mine = rows.filter((r) => r.owner === team.name);
    expect(mine).toHaveLength(count);
    expect(new Set(mine.map((r) => r.name)).size).toBe(count);
    const rank: Record<string, number> = { critical: 0, important: 1, sensitive: 2 };
    const classes = rows.map((r) => rank[r.classification]);
    expect(classes).toEqual([...classes].sort((a, b) => a - b));
    expect(mine[0]).toMatchObject({ access_data: 'no (no_connection)', last_read: '', consumers: '0' });
    const audit = await db.auditEvent.findFirst({ where: { action: 'orphans.export', actorId: session.caller.user!.id } });
    expect(audit?.detail).toMatchObject({ tab: 'unconsumed', days: '90' });
  });

  it('carries the evidence of the pair sections: the silent system, the undeclared reader and its reads', async () => {
    const team = await seedTeam();
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    await db.accessIngestionCursor.create({ data: { connectionId: connection.id, lastRunAt: new Date(), completedRuns: 1 } });
    const read = new Date(Date.now() - 3 * DAY);
    const secret = await db.secret.create({
      data: {
        name: `export-pairs-${randomUUID().slice(0, 6)}`,
        environmentId: await environmentId(),
        ownerTeamId: team.id,
        classification: 'critical',
        connectionId: connection.id,
        lastReadAt: read,
      },
    });
    const system = await seedSystem(team.id);
    await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
    await db.accessEvent.create({
      data: {
        connectionId: connection.id,
        secretId: secret.id,
        providerEventId: randomUUID(),
        occurredAt: read,
        eventName: 'GetSecretValue',
        principal: '=cmd|stranger',
        principalType: 'IAMUser',
        secretRef: 'x',
      },
    });
    session.caller = await callerAs('engineer');
    const silent = (await exportCsv('tab=silent&days=30')).rows.filter((r) => r.name === secret.name);
    expect(silent).toEqual([
      expect.objectContaining({ consumer_system: system.name, last_read: read.toISOString(), last_read_source: 'access logs', access_data: 'yes' }),
    ]);
    const undeclared = (await exportCsv('tab=undeclared&days=30')).rows.filter((r) => r.name === secret.name);
    // A principal that looks like a formula is neutralised for spreadsheets.
    expect(undeclared).toEqual([expect.objectContaining({ reader: "'=cmd|stranger", reads: '1', reader_last_read: read.toISOString() })]);
  });

  it('answers a signed-out request with 401 JSON, audited, and no CSV', async () => {
    session.caller = await callerAs(null);
    const before = await db.auditEvent.count({ where: { action: 'orphans.export', outcome: 'denied' } });
    const response = await GET(new NextRequest('http://localhost/api/export/orphans'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Sign in to continue.' });
    expect(await db.auditEvent.count({ where: { action: 'orphans.export', outcome: 'denied' } })).toBe(before + 1);
  });
});
