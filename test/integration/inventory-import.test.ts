import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { createSecret } from '@/lib/data/secrets';
import { commitImport, previewImport } from '@/lib/data/inventory-import';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { callerAs, secretInput, seedSystem, seedTeam, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const HEADER = [
  'Secret Name',
  'Environment',
  'Owner',
  'Consuming Systems',
  'Classification',
  'Last Rotated',
  'Rotation Interval (days)',
  'Provider',
  'Provider Reference',
  'Description',
  'Status',
  'Contact Person',
  'Tags',
];

type Row = Partial<Record<(typeof HEADER)[number], string>>;

const tag = () => randomUUID().slice(0, 8);

function csv(rows: Row[], header = HEADER): string {
  return stringify(
    rows.map((r) => header.map((h) => r[h] ?? '')),
    { header: true, columns: header },
  );
}

function row(overrides: Row = {}): Row {
  return {
    'Secret Name': `secret-${tag()}`,
    Environment: 'production',
    Owner: 'Payments',
    Classification: 'critical',
    'Last Rotated': '2026-01-15',
    'Rotation Interval (days)': '90',
    Provider: 'aws',
    'Provider Reference': 'eu-west-1/prod/db',
    Description: 'Imported from the spreadsheet',
    ...overrides,
  };
}

async function counts() {
  const [secrets, teams, systems, consumers, events] = await Promise.all([
    db.secret.count(),
    db.team.count(),
    db.system.count(),
    db.secretConsumer.count(),
    db.auditEvent.count({ where: { outcome: 'success' } }),
  ]);
  return { secrets, teams, systems, consumers, events };
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('CSV import: preview', () => {
  it('reports a bad row with its line number and columns, and the commit writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const text = csv([
      row(),
      row({ Classification: 'ultra', 'Last Rotated': '2999-01-01', Tags: 'PCI;bad tag' }),
      row({ 'Rotation Interval (days)': 'ninety', 'Last Rotated': '2026-13-01' }),
      row(),
    ]);
    const preview = await previewImport(engineer, text);
    expect(preview.summary).toEqual({ total: 4, valid: 2, invalid: 2 });
    expect(preview.rows.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, true],
    ]);
    const bad = preview.rows[1];
    expect(bad.errors.map((e) => e.column).sort()).toEqual(['Classification', 'Last Rotated', 'Tags']);
    expect(bad.errors.find((e) => e.column === 'Classification')?.message).toBe('Use one of: critical, important, sensitive');
    expect(bad.errors.find((e) => e.column === 'Last Rotated')?.message).toBe('Last rotated cannot be in the future');
    // One message per column: an impossible date is not also reported as "in the future".
    expect(preview.rows[2].errors).toEqual([
      { column: 'Last Rotated', message: 'Use a date like 2026-01-31' },
      { column: 'Rotation Interval (days)', message: 'Enter a whole number of days' },
    ]);

    const before = await counts();
    const error = await inputError(commitImport(engineer, text, { createMissing: true }));
    expect(error.message).toMatch(/2 rows have errors, so nothing was imported/);
    expect(await counts()).toEqual(before);
  });

  it('counts lines from the start of each record, across multi-line cells and blank lines', async () => {
    const engineer = await callerAs('engineer');
    const text = csv([row({ Description: 'first\nsecond\nthird' }), row({ Classification: '' })]).replace(/\n$/, '\n\n');
    const preview = await previewImport(
      engineer,
      `${text}${csv([row({ Environment: 'mars' })])
        .split('\n')
        .slice(1)
        .join('\n')}`,
    );
    expect(preview.rows.map((r) => r.line)).toEqual([2, 5, 7]);
    expect(preview.rows[1].errors).toEqual([{ column: 'Classification', message: 'Use one of: critical, important, sensitive' }]);
    expect(preview.rows[2].errors[0]).toMatchObject({ column: 'Environment' });
    expect(preview.rows[2].errors[0].message).toMatch(/There is no environment "mars"\. Use one of: .*production/);
  });

  it('matches headers case-insensitively, warns about unknown columns and ignores Next Due', async () => {
    const engineer = await callerAs('engineer');
    const header = ['  secret NAME ', 'environment', 'OWNER', 'classification', 'Next Due', 'Notes'];
    const text = csv(
      [{ '  secret NAME ': 'hdr-test', environment: 'staging', OWNER: 'Ops', classification: 'Sensitive', 'Next Due': 'whenever', Notes: 'x' }],
      header,
    );
    const preview = await previewImport(engineer, text);
    expect(preview.summary).toEqual({ total: 1, valid: 1, invalid: 0 });
    expect(preview.warnings).toEqual(['This column is not recognised and will be ignored: "Notes".']);
  });

  it('refuses a file without the required columns as a whole', async () => {
    const engineer = await callerAs('engineer');
    const error = await inputError(previewImport(engineer, csv([row()], ['Secret Name', 'Environment', 'Description'])));
    expect(error.message).toMatch(/missing required columns: Owner, Classification/);
  });

  it('gives clear file-level errors for broken quotes, bad encoding, size and row limits', async () => {
    const engineer = await callerAs('engineer');
    const head = HEADER.join(',');
    expect((await inputError(previewImport(engineer, `${head}\na,production,Ops,,critical\n"b,production,Ops,,critical\nc,production\n`))).message).toMatch(
      /quoted cell starting on or after line 3 is never closed/,
    );
    expect((await inputError(previewImport(engineer, `${head}\na,production,Ops,,crit"ical\n`))).message).toMatch(/^Line 2: a double quote/);
    expect((await inputError(previewImport(engineer, `${head}\nna\uFFFDve,production,Ops,,critical\n`))).message).toMatch(/not valid UTF-8/);
    expect((await inputError(previewImport(engineer, `S\u0000e\u0000c\u0000`))).message).toMatch(/UTF-16/);
    expect((await inputError(previewImport(engineer, `${head}\n${'x'.repeat(5 * 1024 * 1024)}`))).message).toMatch(/larger than 5 MB/);
    const many = `${head}\n${'a,production,Ops,,critical\n'.repeat(20_001)}`;
    expect((await inputError(previewImport(engineer, many))).message).toMatch(/more than 20,000 rows/);
    expect((await inputError(previewImport(engineer, `${head}\n`))).message).toMatch(/no secrets below it/);
    expect((await inputError(previewImport(engineer, ''))).message).toMatch(/Choose a CSV file/);
  });

  it('reads semicolon- and tab-separated files (spreadsheet locales, pasted ranges)', async () => {
    const engineer = await callerAs('engineer');
    const semi = 'Secret Name;Environment;Owner;Consuming Systems;Classification\nsemi-1;production;Ops;"a; b";critical\n';
    const tabbed = 'Secret Name\tEnvironment\tOwner\tClassification\ntab-1\tproduction\tOps\tcritical\n';
    const p1 = await previewImport(engineer, semi);
    expect(p1.summary.valid).toBe(1);
    expect(p1.newSystems.sort()).toEqual(['a', 'b']);
    expect((await previewImport(engineer, tabbed)).summary.valid).toBe(1);
  });

  it('splits consuming systems on "," as on ";" and shows each row\'s split in the preview', async () => {
    const engineer = await callerAs('engineer');
    const [a, b, c] = [`email-assistant-${tag()}`, `web-api-${tag()}`, `billing-${tag()}`];
    const text = csv([row({ 'Consuming Systems': `${a}, ${b}` }), row({ 'Consuming Systems': `${b};${c}, ${a.toUpperCase()}` }), row()]);
    const preview = await previewImport(engineer, text);
    expect(preview.summary.valid).toBe(3);
    expect(preview.rows.map((r) => [r.consumers, r.consumerCount])).toEqual([
      [[a, b], 2],
      [[b, c, a.toUpperCase()], 3],
      [[], 0],
    ]);
    expect(preview.newSystems).toEqual([a, b, c]);
    const created = await commitImport(engineer, text, { createMissing: true });
    expect(created.systemsCreated).toBe(3);
    const names = (await db.system.findMany({ where: { name: { in: [a, b, c, `${a}, ${b}`] } }, select: { name: true } })).map((s) => s.name);
    expect(names.sort()).toEqual([a, b, c].sort());
  });

  it('flags duplicates within the file and names that already exist, per environment', async () => {
    const engineer = await callerAs('engineer');
    const existing = await secretInput();
    await createSecret(engineer, existing);
    const dup = `dup-${tag()}`;
    const text = csv([
      row({ 'Secret Name': dup }),
      row({ 'Secret Name': dup, Environment: 'staging' }),
      row({ 'Secret Name': dup, Environment: 'Production' }),
      row({ 'Secret Name': existing.name as string }),
      row({ 'Secret Name': existing.name as string, Environment: 'development' }),
    ]);
    const preview = await previewImport(engineer, text);
    expect(preview.rows.map((r) => r.ok)).toEqual([true, true, false, false, true]);
    expect(preview.rows[2].errors).toEqual([{ column: 'Secret Name', message: 'Line 2 already has a secret with this name in production.' }]);
    expect(preview.rows[3].errors[0].message).toBe('A secret with this name already exists in production. Import only creates new secrets.');
  });

  it('lists unknown teams and systems as to be created, matching existing ones case-insensitively', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam(`Platform-${tag()}`);
    const system = await seedSystem(team.id, `Gateway-${tag()}`);
    const newTeam = `New Team ${tag()}`;
    const text = csv([
      row({ Owner: team.name.toUpperCase(), 'Consuming Systems': `${system.name.toLowerCase()}; fresh-a` }),
      row({ Owner: newTeam, 'Consuming Systems': 'FRESH-A;fresh-b' }),
      row({ Owner: newTeam.toLowerCase() }),
    ]);
    const preview = await previewImport(engineer, text);
    expect(preview.newTeams).toEqual([newTeam]);
    expect(preview.newSystems).toEqual(['fresh-a', 'fresh-b']);
  });

  it('denies a viewer, audits the denial and writes nothing', async () => {
    const viewer = await callerAs('viewer');
    const before = await counts();
    await expect(previewImport(viewer, csv([row()]))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(commitImport(viewer, csv([row()]), { createMissing: true })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await counts()).toEqual(before);
    const denials = await db.auditEvent.findMany({ where: { actorId: viewer.user!.id }, orderBy: { id: 'asc' } });
    expect(denials.map((d) => [d.action, d.outcome])).toEqual([
      ['inventory.import', 'denied'],
      ['inventory.import', 'denied'],
    ]);
  });
});

describe('CSV import: commit', () => {
  it('creates new teams, systems, secrets and audit events in one transaction', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam(`Existing-${tag()}`);
    const system = await seedSystem(team.id, `existing-sys-${tag()}`);
    const newTeam = `Imported Team ${tag()}`;
    const newSys = `new-sys-${tag()}`;
    const names = [`imp-a-${tag()}`, `imp-b-${tag()}`, `imp-c-${tag()}`];
    const text = csv([
      row({
        'Secret Name': names[0],
        Owner: newTeam,
        'Consuming Systems': `${newSys}; ${system.name}`,
        Tags: 'PCI; database',
        'Contact Person': 'Jane Doe',
        Classification: 'Critical',
      }),
      row({ 'Secret Name': names[1], Owner: team.name, 'Consuming Systems': newSys, 'Last Rotated': '', Status: 'deprecated', Provider: '' }),
      row({ 'Secret Name': names[2], Owner: newTeam.toUpperCase(), 'Rotation Interval (days)': '', Description: "'=SUM(A1:A2)" }),
    ]);

    const before = await counts();
    const refused = await inputError(commitImport(engineer, text, { createMissing: false }));
    expect(refused.fieldErrors.createMissing).toBeDefined();
    expect(await counts()).toEqual(before);

    const result = await commitImport(engineer, text, { createMissing: true });
    expect(result).toEqual({ created: 3, teamsCreated: 1, systemsCreated: 1 });

    const secrets = await db.secret.findMany({
      where: { name: { in: names } },
      include: { ownerTeam: true, environment: true, consumers: { include: { system: true } } },
      orderBy: { name: 'asc' },
    });
    expect(secrets).toHaveLength(3);
    const [a, b, c] = secrets;
    expect(a).toMatchObject({ classification: 'critical', providerKind: 'aws', tags: ['pci', 'database'], contactPerson: 'Jane Doe', status: 'active' });
    expect(a.ownerTeam.name).toBe(newTeam);
    expect(a.environment.name).toBe('production');
    expect(a.consumers.map((x) => x.system.name).sort()).toEqual([system.name, newSys].sort());
    expect(a.nextDueAt?.toISOString()).toBe('2026-04-15T00:00:00.000Z');
    expect(a.searchText).toBe(`${names[0]} imported from the spreadsheet pci database eu-west-1/prod/db jane doe`);
    // Never rotated with an interval: due at creation, exactly as the form does it.
    expect(b).toMatchObject({ status: 'deprecated', providerKind: 'other', lastRotatedAt: null });
    expect(b.nextDueAt?.getTime()).toBe(b.createdAt.getTime());
    expect(b.ownerTeamId).toBe(team.id);
    expect(c.ownerTeam.id).toBe(a.ownerTeam.id);
    expect(c.description).toBe('=SUM(A1:A2)');
    expect(c.nextDueAt).toBeNull();

    const createdTeam = await db.team.findUniqueOrThrow({ where: { name: newTeam } });
    const createdSystem = await db.system.findUniqueOrThrow({ where: { name: newSys } });
    expect(createdSystem.ownerTeamId).toBe(createdTeam.id);

    const events = await db.auditEvent.findMany({ where: { requestId: TEST_REQUEST.requestId, actorId: engineer.user!.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action).sort()).toEqual(['inventory.import', 'secret.create', 'secret.create', 'secret.create', 'system.create', 'team.create']);
    for (const e of events) {
      expect(e).toMatchObject({ outcome: 'success', actorEmail: engineer.user!.email, actorRole: 'engineer', ip: '127.0.0.1', userAgent: 'vitest' });
    }
    expect(events.find((e) => e.action === 'inventory.import')?.detail).toEqual({ fileRows: 3, created: 3, teamsCreated: 1, systemsCreated: 1 });
    // Same changes as the Teams and Systems forms record for a new row.
    expect(events.find((e) => e.action === 'team.create')).toMatchObject({
      targetId: createdTeam.id,
      changes: { name: { before: null, after: newTeam }, description: { before: null, after: '' } },
    });
    expect(events.find((e) => e.action === 'system.create')?.changes).toEqual({
      name: { before: null, after: newSys },
      description: { before: null, after: '' },
      ownerTeam: { before: null, after: newTeam },
      status: { before: null, after: 'active' },
    });
    const createA = events.find((e) => e.targetId === a.id)!;
    expect(createA).toMatchObject({ action: 'secret.create', targetType: 'secret', environment: 'production', detail: { via: 'inventory.import', line: 2 } });
    expect(createA.changes).toMatchObject({
      name: { before: null, after: names[0] },
      ownerTeam: { after: newTeam },
      consumers: { after: [system.name, newSys].sort() },
      lastRotatedAt: { after: '2026-01-15T00:00:00.000Z' },
    });

    // One transaction: every row this import wrote carries the same inserting transaction id.
    const xids = await db.$queryRaw<{ xid: string }[]>`
      SELECT DISTINCT xmin::text AS xid FROM (
        SELECT xmin FROM secrets WHERE name = ANY(${names}::text[])
        UNION ALL SELECT xmin FROM teams WHERE id = ${createdTeam.id}::uuid
        UNION ALL SELECT xmin FROM systems WHERE id = ${createdSystem.id}::uuid
        UNION ALL SELECT c.xmin FROM secret_consumers c JOIN secrets s ON s.id = c.secret_id WHERE s.name = ANY(${names}::text[])
        UNION ALL SELECT xmin FROM audit_events WHERE id = ANY(${events.map((e) => e.id)}::bigint[])
      ) x`;
    expect(xids).toHaveLength(1);

    // Importing the same file again creates nothing: every name now exists.
    const again = await previewImport(engineer, text);
    expect(again.summary.invalid).toBe(3);
    expect(again.newTeams).toEqual([]);
  });

  it('imports a 5,000-row file well inside the transaction timeout', async () => {
    const engineer = await callerAs('engineer');
    const prefix = `bulk-${tag()}`;
    const teams = Array.from({ length: 20 }, (_, i) => `${prefix}-team-${i}`);
    const rows = Array.from({ length: 5000 }, (_, i) =>
      row({
        'Secret Name': `${prefix}-${String(i).padStart(5, '0')}`,
        Environment: ['production', 'staging', 'development'][i % 3],
        Owner: teams[i % teams.length],
        'Consuming Systems': `${prefix}-sys-${i % 50}; ${prefix}-sys-${(i + 7) % 50}`,
        Tags: `bulk; t${i % 10}`,
        'Last Rotated': i % 4 ? `2025-0${(i % 9) + 1}-1${i % 10}` : '',
      }),
    );
    const text = csv(rows);
    const before = await counts();

    let t = performance.now();
    const preview = await previewImport(engineer, text);
    const previewMs = performance.now() - t;
    expect(preview.summary).toEqual({ total: 5000, valid: 5000, invalid: 0 });
    expect(preview.newTeams).toHaveLength(20);
    expect(preview.newSystems).toHaveLength(50);

    t = performance.now();
    const result = await commitImport(engineer, text, { createMissing: true });
    const commitMs = performance.now() - t;
    expect(result).toEqual({ created: 5000, teamsCreated: 20, systemsCreated: 50 });

    const after = await counts();
    expect(after.secrets - before.secrets).toBe(5000);
    expect(after.consumers - before.consumers).toBe(10_000);
    // 5,000 secret.create + 20 team.create + 50 system.create + 1 summary.
    expect(after.events - before.events).toBe(5071);
    console.log(`5,000-row import (${(text.length / 1024).toFixed(0)} KB): preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`);
    expect(commitMs).toBeLessThan(30_000);
  }, 120_000);
});
