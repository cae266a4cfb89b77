// CSV import of the inventory: a preview that checks every row (same field rules as
// the secret form, names resolved against the database), and a commit that checks the
// same text again on the server and then creates the missing teams and systems, every
// secret and every audit event in one transaction, or nothing at all.
import 'server-only';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { randomUUID } from 'node:crypto';
import { changedFields } from '@/lib/audit/changes';
import { recordAuditMany, type AuditEntry } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import {
  IGNORED_ON_IMPORT,
  INVENTORY_COLUMNS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  normalizeHeader,
  REQUIRED_ON_IMPORT,
  splitListCell,
  type InventoryColumnKey,
} from '@/lib/export/csv/inventory-columns';
import { readCsv } from '@/lib/export/csv/read';
import { unneutraliseFormula } from '@/lib/export/csv/write';
import { db, type Tx } from '@/lib/db';
import { InputError, isUniqueViolation } from '@/lib/errors';
import { ZCommitOptions, ZImportRow, ZImportText, type TImportRow } from '@/lib/validation/inventory-csv';
import { parseInput } from '@/lib/validation/parse';
import { chunks, insertConsumers, insertSecrets, type SecretColumns } from './secret-bulk-insert';
import { AUDITED_FIELDS, secretColumnsOf, type Snapshot } from './secrets';

export type ImportRowError = { column: string | null; message: string };

export type ImportPreviewRow = {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  name: string;
  environment: string;
  /** The consuming systems the row's cell splits into (the first few), so a reader sees the split. */
  consumers: string[];
  /** How many systems the cell names in all (more than `consumers` holds when capped). */
  consumerCount: number;
  ok: boolean;
  errors: ImportRowError[];
};

export type ImportPreview = {
  rows: ImportPreviewRow[];
  newTeams: string[];
  newSystems: string[];
  /** File-wide remarks that do not block the import (unknown columns). */
  warnings: string[];
  summary: { total: number; valid: number; invalid: number };
};

export type ImportResult = { created: number; teamsCreated: number; systemsCreated: number };

// Display caps: the preview shows names, never whole cells.
const NAME_DISPLAY_MAX = 120;
const ENV_DISPLAY_MAX = 60;
const SYSTEM_DISPLAY_MAX = 60;
const SYSTEMS_PER_ROW_SHOWN = 8;
const MAX_ERRORS_PER_ROW = 10;
const INSERT_BATCH = 1000;

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const key = (name: string) => name.trim().toLowerCase();

/** Names as first written, each once however it is capitalised (as import matches them). */
function distinctNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => !seen.has(key(n)) && Boolean(seen.add(key(n))));
}

// ---------------------------------------------------------------------------
// Reading the file (no database)

type CheckedRow = {
  line: number;
  name: string;
  environment: string;
  /** The Consuming Systems cell split as import reads it, one entry per system (case-insensitively). */
  consumers: string[];
  errors: ImportRowError[];
  data?: TImportRow;
};

type CheckedFile = { rows: CheckedRow[]; warnings: string[] };

const HEADER_TO_KEY = new Map((Object.entries(INVENTORY_COLUMNS) as [InventoryColumnKey, string][]).map(([k, header]) => [normalizeHeader(header), k]));

function mapHeader(header: string[]): { index: Partial<Record<InventoryColumnKey, number>>; warnings: string[] } {
  const index: Partial<Record<InventoryColumnKey, number>> = {};
  const unknown: string[] = [];
  header.forEach((cell, i) => {
    if (!cell.trim()) return; // trailing delimiters in the header row
    const k = HEADER_TO_KEY.get(normalizeHeader(cell));
    if (!k) unknown.push(cap(cell.trim(), 60));
    else if (index[k] !== undefined) {
      throw new InputError(`The column "${INVENTORY_COLUMNS[k]}" appears twice in the header row. Remove one of them.`);
    } else if (!IGNORED_ON_IMPORT.includes(k)) index[k] = i;
  });
  const missing = REQUIRED_ON_IMPORT.filter((k) => index[k] === undefined).map((k) => INVENTORY_COLUMNS[k]);
  if (missing.length) {
    throw new InputError(
      `The header row is missing ${missing.length === 1 ? 'a required column' : 'required columns'}: ${missing.join(', ')}. ` +
        'The first row must name the columns; download the template to see them.',
    );
  }
  const warnings = unknown.length
    ? [
        `${unknown.length === 1 ? 'This column is' : 'These columns are'} not recognised and will be ignored: ${unknown
          .slice(0, 10)
          .map((h) => `"${h}"`)
          .join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}.`,
      ]
    : [];
  return { index, warnings };
}

/** The first problem per column: later ones tend to restate it ("not a date", "in the future"). */
function errorsOf(issues: readonly { path: PropertyKey[]; message: string }[]): ImportRowError[] {
  const seen = new Set<string | null>();
  const errors: ImportRowError[] = [];
  for (const issue of issues) {
    const field = issue.path[0] as InventoryColumnKey | undefined;
    const column = field && field in INVENTORY_COLUMNS ? INVENTORY_COLUMNS[field] : null;
    if (seen.has(column)) continue;
    seen.add(column);
    errors.push({ column, message: issue.message });
  }
  return errors;
}

function checkFile(text: string): CheckedFile {
  const file = readCsv(text, { maxBytes: MAX_IMPORT_BYTES, maxRows: MAX_IMPORT_ROWS });
  const { index, warnings } = mapHeader(file.header);
  if (!file.records.length) throw new InputError('The file has a header row but no secrets below it.');
  const width = file.header.length;
  const rows = file.records.map(({ line, cells }): CheckedRow => {
    const raw: Partial<Record<InventoryColumnKey, string>> = {};
    for (const [k, i] of Object.entries(index) as [InventoryColumnKey, number][]) {
      raw[k] = unneutraliseFormula(cells[i] ?? '');
    }
    const errors: ImportRowError[] = [];
    if (cells.slice(width).some((c) => c.trim())) {
      errors.push({ column: null, message: `This row has ${cells.length} cells but the header row has ${width} columns.` });
    }
    const parsed = ZImportRow.safeParse(raw);
    if (!parsed.success) errors.push(...errorsOf(parsed.error.issues));
    return {
      line,
      name: (raw.name ?? '').trim(),
      environment: (raw.environment ?? '').trim(),
      consumers: distinctNames(splitListCell(raw.consumers ?? '')),
      errors,
      data: parsed.success ? parsed.data : undefined,
    };
  });
  return { rows, warnings };
}

// ---------------------------------------------------------------------------
// Checking names against the database

type Named = { id: string; name: string };

/** Matches names case-insensitively; an exact-case match wins when both exist. */
function byKey(rows: Named[]): Map<string, Named> {
  const map = new Map<string, Named>();
  for (const row of [...rows].sort((a, b) => a.name.localeCompare(b.name))) {
    const k = key(row.name);
    const current = map.get(k);
    if (!current) map.set(k, row);
  }
  return map;
}

function lookup(map: Map<string, Named>, name: string): Named | undefined {
  return map.get(key(name));
}

type PlannedRow = CheckedRow & {
  data: TImportRow;
  environmentId: string;
  environmentName: string;
  teamKey: string;
  systemKeys: string[];
};

type Plan = {
  rows: CheckedRow[];
  valid: PlannedRow[];
  /** Existing and to-be-created teams and systems by lower-cased name. */
  teams: Map<string, Named & { isNew: boolean }>;
  systems: Map<string, Named & { isNew: boolean; ownerKey: string }>;
  warnings: string[];
};

async function plan(client: Tx | typeof db, file: CheckedFile): Promise<Plan> {
  const envRows = await client.environment.findMany({ select: { id: true, name: true }, orderBy: [{ position: 'asc' }, { name: 'asc' }] });
  const environments = byKey(envRows);
  const envList = envRows.map((e) => e.name).join(', ');

  const parsed = file.rows.filter((r): r is CheckedRow & { data: TImportRow } => r.data !== undefined);
  const teamNames = [...new Set(parsed.map((r) => key(r.data.owner)))];
  const systemNames = [...new Set(parsed.flatMap((r) => r.data.consumers.map(key)))];
  // Sequential: inside a transaction this is one connection running one query at a time.
  const existingTeams = teamNames.length ? await client.$queryRaw<Named[]>`SELECT id::text, name FROM teams WHERE lower(name) = ANY(${teamNames}::text[])` : [];
  const existingSystems = systemNames.length
    ? await client.$queryRaw<Named[]>`SELECT id::text, name FROM systems WHERE lower(name) = ANY(${systemNames}::text[])`
    : [];

  // Names already taken in their environment: import creates, it never updates.
  const pairs = file.rows
    .map((r) => ({ env: lookup(environments, r.environment)?.id, name: r.name }))
    .filter((p): p is { env: string; name: string } => Boolean(p.env && p.name));
  const taken = new Map<string, string>();
  for (let i = 0; i < pairs.length; i += 5000) {
    const chunk = pairs.slice(i, i + 5000);
    const found = await client.$queryRaw<{ environment_id: string; name: string; status: string }[]>`
      SELECT s.environment_id::text, s.name, s.status::text
      FROM unnest(${chunk.map((p) => p.env)}::uuid[], ${chunk.map((p) => p.name)}::text[]) AS k(environment_id, name)
      JOIN secrets s ON s.environment_id = k.environment_id AND s.name = k.name`;
    for (const f of found) taken.set(`${f.environment_id}\u0000${f.name}`, f.status);
  }

  const teams = new Map<string, Named & { isNew: boolean }>();
  for (const t of byKey(existingTeams).values()) teams.set(key(t.name), { ...t, isNew: false });
  const systems = new Map<string, Named & { isNew: boolean; ownerKey: string }>();
  for (const s of byKey(existingSystems).values()) systems.set(key(s.name), { ...s, isNew: false, ownerKey: '' });

  const firstLine = new Map<string, number>();
  const valid: PlannedRow[] = [];
  for (const row of file.rows) {
    const env = row.environment ? lookup(environments, row.environment) : undefined;
    if (row.environment && !env && !row.errors.some((e) => e.column === INVENTORY_COLUMNS.environment)) {
      row.errors.push({
        column: INVENTORY_COLUMNS.environment,
        message: `There is no environment "${cap(row.environment, ENV_DISPLAY_MAX)}". Use one of: ${envList}. An administrator sets up environments.`,
      });
    }
    if (row.name) {
      const dupKey = `${env?.id ?? key(row.environment)}\u0000${row.name}`;
      const first = firstLine.get(dupKey);
      if (first !== undefined) {
        row.errors.push({
          column: INVENTORY_COLUMNS.name,
          message: `Line ${first} already has a secret with this name in ${env?.name ?? 'this environment'}.`,
        });
      } else firstLine.set(dupKey, row.line);
      const status = env ? taken.get(`${env.id}\u0000${row.name}`) : undefined;
      if (env && status) {
        row.errors.push({
          column: INVENTORY_COLUMNS.name,
          message: `A secret with this name already exists in ${env.name}${status === 'decommissioned' ? ' (decommissioned)' : ''}. Import only creates new secrets.`,
        });
      }
    }
    if (!row.data || !env || row.errors.length) continue;

    const teamKey = key(row.data.owner);
    if (!teams.has(teamKey)) teams.set(teamKey, { id: randomUUID(), name: row.data.owner, isNew: true });
    for (const name of row.data.consumers) {
      // A new system belongs to the team of the first row that lists it.
      if (!systems.has(key(name))) systems.set(key(name), { id: randomUUID(), name, isNew: true, ownerKey: teamKey });
    }
    const systemKeys = [...new Set(row.data.consumers.map(key))];
    valid.push({ ...row, data: row.data, environmentId: env.id, environmentName: env.name, teamKey, systemKeys });
  }
  return { rows: file.rows, valid, teams, systems, warnings: file.warnings };
}

const COLUMN_ORDER: (string | null)[] = [null, ...Object.values(INVENTORY_COLUMNS)];

function previewOf(p: Plan): ImportPreview {
  const rows = p.rows.map((r) => ({
    line: r.line,
    name: cap(r.name, NAME_DISPLAY_MAX),
    environment: cap(r.environment, ENV_DISPLAY_MAX),
    consumers: r.consumers.slice(0, SYSTEMS_PER_ROW_SHOWN).map((n) => cap(n, SYSTEM_DISPLAY_MAX)),
    consumerCount: r.consumers.length,
    ok: r.errors.length === 0,
    // In the file's column order, whichever check found them.
    errors: [...r.errors].sort((a, b) => COLUMN_ORDER.indexOf(a.column) - COLUMN_ORDER.indexOf(b.column)).slice(0, MAX_ERRORS_PER_ROW),
  }));
  const valid = rows.filter((r) => r.ok).length;
  return {
    rows,
    newTeams: [...p.teams.values()].filter((t) => t.isNew).map((t) => t.name),
    newSystems: [...p.systems.values()].filter((s) => s.isNew).map((s) => s.name),
    warnings: p.warnings,
    summary: { total: rows.length, valid, invalid: rows.length - valid },
  };
}

// ---------------------------------------------------------------------------
// Public functions

export async function previewImport(caller: Caller, csvText: unknown): Promise<ImportPreview> {
  await authorize(caller, 'inventory.import', { action: 'inventory.import', targetType: 'secret' });
  const text = parseInput(ZImportText, csvText);
  return previewOf(await plan(db, checkFile(text)));
}

export async function commitImport(caller: Caller, csvText: unknown, options: unknown): Promise<ImportResult> {
  await authorize(caller, 'inventory.import', { action: 'inventory.import', targetType: 'secret' });
  const text = parseInput(ZImportText, csvText);
  const { createMissing } = parseInput(ZCommitOptions, options);
  // Parsing and field rules need no database; do them before holding a connection.
  const file = checkFile(text);
  const invalidNow = file.rows.filter((r) => r.errors.length).length;
  if (invalidNow) throw rowsHaveErrors(invalidNow);

  try {
    return await db
      .$transaction(
        async (tx) => {
          // Names are checked inside the transaction, against what it will write next to.
          const p = await plan(tx, file);
          const invalid = p.rows.filter((r) => r.errors.length).length;
          if (invalid) throw rowsHaveErrors(invalid);
          const newTeams = [...p.teams.values()].filter((t) => t.isNew);
          const newSystems = [...p.systems.values()].filter((s) => s.isNew);
          if ((newTeams.length || newSystems.length) && !createMissing) {
            throw new InputError('Confirm that the new teams and systems listed in the preview should be created.', {
              createMissing: ['Confirm that these teams and systems should be created'],
            });
          }
          if (newTeams.length || newSystems.length) {
            await authorize(caller, 'catalog.write', { action: 'inventory.import', targetType: 'team' });
          }
          return await write(tx, caller, p, newTeams, newSystems);
        },
        // 5,000 rows take a few seconds; the default 5 s would be too tight on a busy server.
        { timeout: 120_000, maxWait: 10_000 },
      )
      .then(invalidatingListCounts);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new InputError(
        'While this file was being imported, someone else created a secret, team or system with one of the same names. Nothing was imported; preview the file again.',
      );
    }
    throw error;
  }
}

function rowsHaveErrors(count: number): InputError {
  return new InputError(
    `${count.toLocaleString('en-US')} ${count === 1 ? 'row has' : 'rows have'} errors, so nothing was imported. Preview the file to see them.`,
  );
}

async function write(
  tx: Tx,
  caller: Caller,
  p: Plan,
  newTeams: (Named & { isNew: boolean })[],
  newSystems: (Named & { ownerKey: string })[],
): Promise<ImportResult> {
  const now = new Date();
  const via = { via: 'inventory.import' };

  if (newTeams.length) {
    await tx.team.createMany({ data: newTeams.map((t) => ({ id: t.id, name: t.name, createdAt: now })) });
  }
  for (const batch of chunks(newSystems, INSERT_BATCH)) {
    await tx.system.createMany({
      data: batch.map((s) => ({ id: s.id, name: s.name, ownerTeamId: p.teams.get(s.ownerKey)!.id, createdAt: now })),
    });
  }

  const secrets = p.valid.map((row) => {
    const d = row.data;
    const team = p.teams.get(row.teamKey)!;
    const consumers = row.systemKeys.map((sk) => p.systems.get(sk)!);
    const columns = {
      id: randomUUID(),
      ...secretColumnsOf({ ...d, environmentId: row.environmentId, ownerTeamId: team.id }, now),
      createdAt: now,
    } satisfies SecretColumns;
    const snapshot: Snapshot = {
      name: d.name,
      description: d.description,
      environment: row.environmentName,
      ownerTeam: team.name,
      contactPerson: columns.contactPerson,
      classification: d.classification,
      status: d.status,
      providerKind: d.providerKind,
      providerRef: d.providerRef,
      // Not a CSV column (yet): imported secrets have no connection.
      connection: null,
      lastRotatedAt: columns.lastRotatedAt,
      rotationIntervalDays: columns.rotationIntervalDays,
      // Not CSV columns (yet): imported secrets get the column defaults.
      rotationStrategy: columns.rotationStrategy,
      graceHours: columns.graceHours,
      reminderDays: columns.reminderDays,
      autoRotate: columns.autoRotate,
      tags: d.tags,
      consumers: consumers.map((s) => s.name),
    };
    return { columns, consumers, snapshot, line: row.line };
  });

  await insertSecrets(
    tx,
    secrets.map((s) => s.columns),
  );
  await insertConsumers(
    tx,
    secrets.flatMap((s) => s.consumers.map((c) => ({ secretId: s.columns.id, systemId: c.id }))),
  );

  // Recorded last, in one append: the audit chain's lock is then held only for the commit.
  const events: AuditEntry[] = [
    {
      action: 'inventory.import',
      targetType: 'secret',
      detail: {
        fileRows: p.rows.length,
        created: p.valid.length,
        teamsCreated: newTeams.length,
        systemsCreated: newSystems.length,
      },
    },
    // The same changes createTeam and createSystem record for a new row.
    ...newTeams.map((t) => ({
      action: 'team.create',
      targetType: 'team',
      targetId: t.id,
      changes: changedFields(null, { name: t.name, description: '' }, ['name', 'description']),
      detail: via,
    })),
    ...newSystems.map((s) => ({
      action: 'system.create',
      targetType: 'system',
      targetId: s.id,
      changes: changedFields(null, { name: s.name, description: '', ownerTeam: p.teams.get(s.ownerKey)!.name, status: 'active' }, [
        'name',
        'description',
        'ownerTeam',
        'status',
      ]),
      detail: via,
    })),
    ...secrets.map((s) => ({
      action: 'secret.create',
      targetType: 'secret',
      targetId: s.columns.id,
      environment: s.snapshot.environment,
      changes: changedFields(null, s.snapshot, AUDITED_FIELDS),
      detail: { ...via, line: s.line },
    })),
  ];
  await recordAuditMany(tx, caller, events);

  return { created: secrets.length, teamsCreated: newTeams.length, systemsCreated: newSystems.length };
}
