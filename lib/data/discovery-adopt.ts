// Bulk adoption of unmanaged cloud secrets into the inventory. The preview resolves every
// secret of an Unmanaged view with the mapping rules (lib/discovery/adopt-rules.ts) and says,
// row by row, what would be written and what is wrong; the commit plans the same view again
// inside one transaction and writes every secret, its consumers and audit events, or
// nothing: when a row has an error, or when the plan differs from the previewed one (a scan
// or a catalog change came in between), nothing is written and the person previews again.
import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { Prisma } from '@/generated/prisma/client';
import type { Classification } from '@/generated/prisma/enums';
import { changedFields } from '@/lib/audit/changes';
import { recordAuditMany, type AuditEntry } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { catalogLookup, compileRules, resolveRow, sourceText, type Named, type Resolution } from '@/lib/discovery/adopt-rules';
import { PROVIDER_CHANGED_AT } from '@/lib/discovery/drift-sql';
import { InputError, isUniqueViolation } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZSecretName } from '@/lib/validation/secret';
import { MAX_ADOPT_ROWS, ZAdoptionFilter, ZAdoptionRules, ZPlanDigest, type TAdoptionRules, type TUnmanagedFilter } from '@/lib/validation/unmanaged';
import { insertConsumers, insertSecrets, type SecretColumns } from './secret-bulk-insert';
import { AUDITED_FIELDS, secretColumnsOf, type Snapshot } from './secrets';
import { unmanagedConditions } from './unmanaged';

export type AdoptionPreviewRow = {
  id: string;
  connection: string;
  providerKey: string;
  team: string | null;
  teamFrom: string | null;
  environment: string | null;
  environmentFrom: string | null;
  classification: Classification | null;
  classificationFrom: string | null;
  systems: string[];
  rotation: 'manual' | 'provider_native';
  lastRotatedAt: string | null;
  errors: string[];
};

export type AdoptionPreview = {
  /** Rows with errors first, then by name. */
  rows: AdoptionPreviewRow[];
  summary: { total: number; valid: number; invalid: number };
  /** Passed back by the commit: it writes only if it plans exactly this. */
  digest: string;
};

export type AdoptionResult = { adopted: number };

type DiscoveredRow = {
  id: string;
  connection_id: string;
  connection_name: string;
  connection_kind: 'aws' | 'gcp' | 'local';
  provider_key: string;
  description: string;
  labels: Record<string, string>;
  rotation_enabled: boolean | null;
  /** The provider's last change of value, as drift judges it (so an adopted secret starts without drift). */
  changed_at: Date | null;
  deletion_at: Date | null;
};

type PlannedRow = { row: DiscoveredRow; resolution: Resolution; lastRotatedAt: Date | null; errors: string[] };
type Plan = { rows: PlannedRow[]; digest: string };

export async function previewAdoption(caller: Caller, rawFilter: unknown, rawRules: unknown): Promise<AdoptionPreview> {
  await authorize(caller, 'admin.providers', { action: 'discovery.adopt', targetType: 'discovered_secret' });
  const filter = parseInput(ZAdoptionFilter, rawFilter);
  const rules = parseInput(ZAdoptionRules, rawRules);
  const p = await plan(db, filter, rules);
  const rows = p.rows.map(previewRow).sort((a, b) => Number(b.errors.length > 0) - Number(a.errors.length > 0) || a.providerKey.localeCompare(b.providerKey));
  const invalid = rows.filter((r) => r.errors.length).length;
  return { rows, summary: { total: rows.length, valid: rows.length - invalid, invalid }, digest: p.digest };
}

export async function commitAdoption(caller: Caller, rawFilter: unknown, rawRules: unknown, rawDigest: unknown): Promise<AdoptionResult> {
  await authorize(caller, 'admin.providers', { action: 'discovery.adopt', targetType: 'discovered_secret' });
  const filter = parseInput(ZAdoptionFilter, rawFilter);
  const rules = parseInput(ZAdoptionRules, rawRules);
  const digest = parseInput(ZPlanDigest, rawDigest);
  try {
    return await db
      .$transaction(
        async (tx) => {
          const p = await plan(tx, filter, rules);
          if (p.digest !== digest) {
            throw new InputError(
              'The secrets this view adopts, or the teams, environments or systems they map to, changed since the preview. Nothing was adopted; preview again.',
            );
          }
          const invalid = p.rows.filter((r) => r.errors.length).length;
          if (invalid) throw new InputError(`${plural(invalid, 'row has', 'rows have')} errors, so nothing was adopted. Fix the rules or narrow the view.`);
          return await write(tx, caller, p, filter, rules);
        },
        // A thousand secrets take well under a second; a busy server gets room.
        { timeout: 120_000, maxWait: 10_000 },
      )
      .then(invalidatingListCounts);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new InputError('While adopting, someone created an inventory secret with one of the same names. Nothing was adopted; preview again.');
    }
    throw error;
  }
}

async function plan(client: Tx | typeof db, filter: TUnmanagedFilter, rules: TAdoptionRules): Promise<Plan> {
  if (filter.state === 'ignored') throw new InputError('Ignored secrets are not adopted. Restore them first, then adopt them from the Unmanaged view.');
  const [teams, environments, systems] = await Promise.all([
    client.team.findMany({ select: { id: true, name: true } }),
    client.environment.findMany({ select: { id: true, name: true } }),
    client.system.findMany({ where: { status: 'active' }, select: { id: true, name: true } }),
  ]);
  const fallbacks = {
    team: fallbackOf(teams, rules.teamFallback, 'teamFallback', 'That team no longer exists; choose another.'),
    environment: fallbackOf(environments, rules.environmentFallback, 'environmentFallback', 'That environment no longer exists; choose another.'),
  };
  const discovered = await client.$queryRaw<DiscoveredRow[]>`
    SELECT d.id, d.connection_id, c.name AS connection_name, c.kind AS connection_kind, d.provider_key, d.description, d.labels,
           d.rotation_enabled, ${PROVIDER_CHANGED_AT} AS changed_at, d.deletion_at
    FROM discovered_secrets d JOIN provider_connections c ON c.id = d.connection_id
    WHERE ${Prisma.join(unmanagedConditions(filter), ' AND ')}
    ORDER BY d.provider_key, d.id
    LIMIT ${MAX_ADOPT_ROWS + 1}`;
  if (discovered.length > MAX_ADOPT_ROWS) {
    throw new InputError(
      `This view holds more than ${MAX_ADOPT_ROWS.toLocaleString('en-US')} secrets. Narrow it (a connection, a label, a search) and adopt in batches.`,
    );
  }

  const compiled = compileRules(rules);
  const lookups = { team: catalogLookup(teams), environment: catalogLookup(environments), system: catalogLookup(systems) };
  const rows: PlannedRow[] = discovered.map((row) => {
    const resolution = resolveRow({ providerKey: row.provider_key, labels: row.labels ?? {} }, compiled, lookups, fallbacks);
    const errors = [...resolution.errors];
    const name = ZSecretName.safeParse(row.provider_key);
    if (!name.success) errors.unshift(`The name "${row.provider_key.slice(0, 80)}" cannot be an inventory name: ${name.error.issues[0].message}`);
    if (row.deletion_at) errors.unshift(`Scheduled for deletion at the provider on ${row.deletion_at.toISOString().slice(0, 10)}: restore it there first`);
    return { row, resolution, lastRotatedAt: row.changed_at, errors };
  });

  // Names must be free in their environment: in the inventory and within this batch.
  const wanted = rows.filter((r) => r.resolution.environment);
  const taken = new Set(
    wanted.length === 0
      ? []
      : (
          await client.$queryRaw<{ key: string }[]>`
            SELECT s.environment_id::text || '/' || s.name AS key FROM secrets s
            JOIN unnest(${wanted.map((r) => r.resolution.environment!.id)}::uuid[], ${wanted.map((r) => r.row.provider_key)}::text[]) AS w(environment_id, name)
              ON s.environment_id = w.environment_id AND s.name = w.name`
        ).map((r) => r.key),
  );
  const inBatch = new Set<string>();
  for (const r of wanted) {
    const key = `${r.resolution.environment!.id}/${r.row.provider_key}`;
    if (taken.has(key)) r.errors.push(`An inventory secret named "${r.row.provider_key}" already exists in ${r.resolution.environment!.name}`);
    else if (inBatch.has(key)) r.errors.push(`Another secret of this batch gets the same name in ${r.resolution.environment!.name}`);
    inBatch.add(key);
  }

  const digest = createHash('sha256')
    .update(
      JSON.stringify(
        rows.map((r) => [
          r.row.id,
          r.resolution.team?.id,
          r.resolution.environment?.id,
          r.resolution.classification?.value,
          r.resolution.systems.map((s) => s.id),
          r.errors.length,
        ]),
      ),
    )
    .update(JSON.stringify(rules))
    .digest('hex');
  return { rows, digest };
}

function fallbackOf(items: Named[], id: string | undefined, field: string, message: string): Named | null {
  if (!id) return null;
  const found = items.find((i) => i.id === id);
  if (!found) throw new InputError(message, { [field]: [message] });
  return found;
}

function previewRow(p: PlannedRow): AdoptionPreviewRow {
  const { row, resolution: r } = p;
  return {
    id: row.id,
    connection: row.connection_name,
    providerKey: row.provider_key,
    team: r.team?.name ?? null,
    teamFrom: r.team ? sourceText(r.team.source) : null,
    environment: r.environment?.name ?? null,
    environmentFrom: r.environment ? sourceText(r.environment.source) : null,
    classification: r.classification?.value ?? null,
    classificationFrom: r.classification ? sourceText(r.classification.source) : null,
    systems: r.systems.map((s) => s.name),
    rotation: strategyOf(row),
    lastRotatedAt: p.lastRotatedAt?.toISOString() ?? null,
    errors: p.errors,
  };
}

/** Rotation the provider runs itself (AWS with a rotation Lambda) stays the provider's. */
const strategyOf = (row: DiscoveredRow): 'manual' | 'provider_native' => (row.connection_kind === 'aws' && row.rotation_enabled ? 'provider_native' : 'manual');

async function write(tx: Tx, caller: Caller, p: Plan, filter: TUnmanagedFilter, rules: TAdoptionRules): Promise<AdoptionResult> {
  const now = new Date();
  const created = p.rows.map(({ row, resolution: r, lastRotatedAt }) => {
    const team = r.team!;
    const environment = r.environment!;
    const rotationStrategy = strategyOf(row);
    const columns = {
      id: randomUUID(),
      ...secretColumnsOf(
        {
          name: row.provider_key,
          description: row.description.slice(0, 2000),
          environmentId: environment.id,
          ownerTeamId: team.id,
          classification: r.classification!.value,
          status: 'active',
          providerKind: row.connection_kind,
          // The provider key is a reference every adapter accepts for its connection.
          providerRef: row.provider_key,
          connectionId: row.connection_id,
          lastRotatedAt: lastRotatedAt ?? undefined,
          rotationIntervalDays: rules.rotationIntervalDays,
          rotationStrategy,
          tags: [],
          autoRotate: false,
        },
        now,
      ),
      createdAt: now,
    } satisfies SecretColumns;
    const snapshot: Snapshot = {
      name: columns.name,
      description: columns.description,
      environment: environment.name,
      ownerTeam: team.name,
      contactPerson: null,
      classification: columns.classification,
      status: 'active',
      providerKind: columns.providerKind,
      providerRef: columns.providerRef,
      connection: row.connection_name,
      lastRotatedAt: columns.lastRotatedAt,
      rotationIntervalDays: columns.rotationIntervalDays,
      rotationStrategy,
      graceHours: null,
      reminderDays: null,
      autoRotate: false,
      tags: [],
      consumers: r.systems.map((s) => s.name),
    };
    return { columns, systems: r.systems, snapshot, row };
  });

  await insertSecrets(
    tx,
    created.map((c) => c.columns),
  );
  await insertConsumers(
    tx,
    created.flatMap((c) => c.systems.map((s) => ({ secretId: c.columns.id, systemId: s.id }))),
  );
  // Recorded last, in one append: the audit chain's lock is then held only for the commit.
  const events: AuditEntry[] = [
    {
      action: 'discovery.adopt',
      targetType: 'discovered_secret',
      detail: { adopted: created.length, connection: filter.connection ?? null, search: filter.q ?? null },
    },
    ...created.map((c) => ({
      action: 'secret.create',
      targetType: 'secret',
      targetId: c.columns.id,
      environment: c.snapshot.environment,
      changes: changedFields(null, c.snapshot, AUDITED_FIELDS),
      detail: { via: 'discovery.adopt', connection: c.row.connection_name, providerKey: c.row.provider_key },
    })),
  ];
  await recordAuditMany(tx, caller, events);
  return { adopted: created.length };
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
