import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { EXPORT_HEADER } from '@/lib/export/csv/inventory-columns';
import { csvStream } from '@/lib/export/csv/write';
import { commitImport, previewImport } from '@/lib/data/inventory-import';
import { exportInventory, toCsvRecords } from '@/lib/export/sources/inventory';
import { createSecret } from '@/lib/data/secrets';
import { db } from '@/lib/db';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { callerAs, environmentId, secretInput, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function exportText(params: Record<string, string>): Promise<string> {
  const auditor = await callerAs('auditor');
  const rows = await exportInventory(auditor, parseSecretListQuery(params));
  return new Response(csvStream(EXPORT_HEADER, toCsvRecords(rows))).text();
}

describe('CSV round trip', () => {
  it('an export imported into a fresh environment reproduces every row', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam(`Round Trip ${randomUUID().slice(0, 6)}`);
    const [s1, s2] = [await seedSystem(team.id), await seedSystem(team.id, `+sys-${randomUUID().slice(0, 6)}`)];
    const production = await environmentId('production');
    const inputs = [
      { description: 'Plain', consumerSystemIds: [s1.id, s2.id], tags: 'pci, database' },
      { description: 'Line one\nline two, with "quotes" and ; semicolons', lastRotatedAt: '2025-06-30T17:45:12.345Z', rotationIntervalDays: '30' },
      { description: '=1+1 looks like a formula', contactPerson: '@ops-oncall', providerRef: '-ref', status: 'deprecated' },
      { description: 'Never rotated, no policy', lastRotatedAt: '', rotationIntervalDays: '', providerKind: 'gcp', classification: 'sensitive' },
      { description: 'Ünïcödé – naïve café ✓', contactPerson: 'Zoë Ødegaard', status: 'compromised', classification: 'important' },
    ];
    for (const overrides of inputs) {
      await createSecret(engineer, await secretInput({ ownerTeamId: team.id, environmentId: production, ...overrides }));
    }

    const original = await exportText({ owner: team.id, env: 'production', status: 'any' });
    const fresh = `roundtrip-${randomUUID().slice(0, 8)}`;
    await db.environment.create({ data: { name: fresh, position: 99 } });

    // Move every row to the new environment, as someone editing the file would.
    const records = parse(original, { bom: true }) as string[][];
    const envColumn = records[0].indexOf('Environment');
    const moved = stringify(records.map((r, i) => (i === 0 ? r : r.map((cell, c) => (c === envColumn ? fresh : cell)))));

    const preview = await previewImport(engineer, moved);
    expect(preview.summary).toEqual({ total: inputs.length, valid: inputs.length, invalid: 0 });
    expect(preview.newTeams).toEqual([]);
    expect(preview.newSystems).toEqual([]);
    expect(await commitImport(engineer, moved, { createMissing: false })).toEqual({ created: inputs.length, teamsCreated: 0, systemsCreated: 0 });

    const copy = await exportText({ owner: team.id, env: fresh, status: 'any' });
    const before = parse(original, { bom: true, columns: true }) as Record<string, string>[];
    const after = parse(copy, { bom: true, columns: true }) as Record<string, string>[];
    expect(after).toHaveLength(inputs.length);
    // Next Due of a never-rotated secret is its creation time, so only compare it when rotated.
    const comparable = (r: Record<string, string>) => ({
      ...r,
      Environment: undefined,
      'Next Due': r['Last Rotated'] ? r['Next Due'] : undefined,
    });
    expect(after.map(comparable)).toEqual(before.map(comparable));
    expect(after.every((r) => r.Environment === fresh)).toBe(true);
    // The guarded cells came back as the original values, not with a quote in front.
    const formula = await db.secret.findFirstOrThrow({ where: { environment: { name: fresh }, description: { startsWith: '=1+1' } } });
    expect(formula).toMatchObject({ contactPerson: '@ops-oncall', providerRef: '-ref' });
  });
});
