// The drift report's statements (lib/discovery/drift.ts runs them), as Prisma.Sql built from
// plain values and free of 'server-only', so a benchmark or a plan check can run exactly
// what the page runs.
import { Prisma } from '@/generated/prisma/client';

export const DRIFT_KINDS = [
  'provider_missing',
  'provider_deleted',
  'rotation_mismatch',
  'last_rotated_mismatch',
  'tags_mismatch',
  'out_of_band_version',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export type DriftScope = {
  connectionId?: string | null;
  kind?: DriftKind | null;
  secretId?: string | null;
  toleranceHours?: number;
};

export type DriftCursor = { name: string; id: string; kind: DriftKind };

/** How far the inventory's last-rotated date may be from the provider's last change. */
export const DEFAULT_TOLERANCE_HOURS = 24;

/** A time as ISO 8601 text in UTC, to the millisecond (as the inventory list formats them in SQL). */
export const isoUtcSql = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// The provider's last change of value: a rotation or the newest version. AWS moves
// LastChangedDate on tag and description edits too (the label fix would then look like a
// rotation), so it counts only when nothing better is known.
export const PROVIDER_CHANGED_AT = Prisma.sql`COALESCE(GREATEST(d.last_rotated_at, d.newest_version_at), d.last_changed_at)`;
// What the write service would write, from the label map (see judgedFrom).
const EXPECTED_OWNER = Prisma.sql`(lm.m -> s.owner_team_id::text ->> c.kind::text)`;
const EXPECTED_ENVIRONMENT = Prisma.sql`(lm.m -> s.environment_id::text ->> c.kind::text)`;
const LIVE = Prisma.sql`(d.id IS NOT NULL AND d.gone_at IS NULL)`;

/** Each kind's condition over one joined row. The subqueries sit behind CASE, so they run
 *  only for the few rows that get that far. */
function conditions(toleranceHours: number): Record<DriftKind, Prisma.Sql> {
  return {
    provider_missing: Prisma.sql`(CASE WHEN d.id IS NULL OR d.gone_at IS NOT NULL THEN s.created_at < sc.scan_started
      AND NOT EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.created_at >= sc.scan_started) ELSE false END)`,
    provider_deleted: Prisma.sql`(${LIVE} AND d.deletion_at IS NOT NULL)`,
    rotation_mismatch: Prisma.sql`(${LIVE} AND (
      (d.rotation_enabled IS TRUE AND s.rotation_strategy <> 'provider_native')
      OR (s.rotation_strategy = 'provider_native' AND d.rotation_enabled IS NOT TRUE)))`,
    last_rotated_mismatch: Prisma.sql`(${LIVE} AND ${PROVIDER_CHANGED_AT} IS NOT NULL AND (
      s.last_rotated_at IS NULL
      OR (s.last_rotated_at < sc.scan_started AND abs(extract(epoch FROM s.last_rotated_at - ${PROVIDER_CHANGED_AT})) > ${toleranceHours * 3600})))`,
    tags_mismatch: Prisma.sql`(${LIVE} AND c.kind IN ('aws', 'gcp') AND (
      d.labels ->> 'owner' IS DISTINCT FROM ${EXPECTED_OWNER} OR d.labels ->> 'environment' IS DISTINCT FROM ${EXPECTED_ENVIRONMENT}))`,
    out_of_band_version: Prisma.sql`(CASE WHEN ${LIVE} AND d.current_version_id IS NOT NULL AND s.active_rotation_id IS NULL THEN
      EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.provider_version_id = d.current_version_id)
      AND NOT EXISTS (SELECT 1 FROM pending_value_writes p WHERE p.secret_id = s.id)
      ELSE false END)`,
  };
}

/**
 * The judged secrets joined with what the newest completed scan of their connection saw.
 * `labels` maps team and environment ids to their label values per provider
 * ({"<id>": {"aws": "...", "gcp": "..."}}). The two small inputs are materialized once
 * (a one-row map, one row per scanned connection) so the join per secret is a lookup.
 */
function judgedFrom(labels: string, scope: Omit<DriftScope, 'kind'>): { with: Prisma.Sql; from: Prisma.Sql; where: Prisma.Sql } {
  const where = [Prisma.sql`s.status <> 'decommissioned'`, Prisma.sql`s.provider_key <> ''`];
  if (scope.connectionId) where.push(Prisma.sql`s.connection_id = ${scope.connectionId}::uuid`);
  if (scope.secretId) where.push(Prisma.sql`s.id = ${scope.secretId}::uuid`);
  return {
    with: Prisma.sql`
      WITH lm AS MATERIALIZED (SELECT ${labels}::jsonb AS m),
      sc AS MATERIALIZED (
        SELECT connection_id, max(started_at) AS scan_started, max(finished_at) AS scanned_at
        FROM discovery_scans WHERE status = 'completed' GROUP BY connection_id
      )`,
    from: Prisma.sql`
      FROM sc
      JOIN secrets s ON s.connection_id = sc.connection_id
      JOIN provider_connections c ON c.id = s.connection_id
      CROSS JOIN lm
      LEFT JOIN discovered_secrets d ON d.connection_id = s.connection_id AND d.provider_key = s.provider_key`,
    where: Prisma.join(where, ' AND '),
  };
}

/**
 * One page of findings, ordered by secret name, secret id and kind; `limit + 1` rows tell
 * whether there is more. Each secret is judged once (one row with a verdict per kind, kept
 * only when one holds) and only the secrets with a finding are spread into one row per
 * finding. The display-only columns (names, the newest recorded version) are read for the
 * page alone, after the LIMIT.
 */
export function driftRowsSql(labels: string, scope: DriftScope, after: DriftCursor | null, limit: number): Prisma.Sql {
  const cond = conditions(scope.toleranceHours ?? DEFAULT_TOLERANCE_HOURS);
  const kinds = scope.kind ? [scope.kind] : DRIFT_KINDS;
  const judged = judgedFrom(labels, scope);
  const verdicts = Prisma.join(
    kinds.map((k) => Prisma.sql`${cond[k]} AS ${Prisma.raw(k)}`),
    ', ',
  );
  const anyHit = Prisma.join(
    kinds.map((k) => cond[k]),
    ' OR ',
  );
  const spread = Prisma.join(
    kinds.map((k) => Prisma.sql`(${k}, j.${Prisma.raw(k)})`),
    ', ',
  );
  const secretKeyset = after ? Prisma.sql`AND (s.name, s.id) >= (${after.name}, ${after.id}::uuid)` : Prisma.empty;
  const findingKeyset = after ? Prisma.sql`AND (j.secret_name, j.secret_id, f.kind) > (${after.name}, ${after.id}::uuid, ${after.kind})` : Prisma.empty;
  return Prisma.sql`${judged.with}
    SELECT page.kind, page.secret_id, page.secret_name, e.name AS environment, t.id AS team_id, t.name AS team_name,
      page.provider_ref, page.rotation_strategy, page.last_rotated_at,
      page.connection_id, page.connection_name, page.connection_kind, page.scanned_at, page.discovered, page.gone_at, page.deletion_at,
      page.rotation_enabled, page.rotation_schedule, page.provider_changed_at, page.owner_label, page.environment_label,
      page.expected_owner, page.expected_environment, page.current_version_id,
      (SELECT v.provider_version_id FROM secret_versions v WHERE v.secret_id = page.secret_id ORDER BY v.created_at DESC LIMIT 1) AS newest_recorded_version_id
    FROM (
      SELECT f.kind, j.*
      FROM (
        SELECT s.id AS secret_id, s.name AS secret_name, s.environment_id, s.owner_team_id, s.provider_ref,
          s.rotation_strategy, ${isoUtcSql(Prisma.sql`s.last_rotated_at`)} AS last_rotated_at,
          c.id AS connection_id, c.name AS connection_name, c.kind AS connection_kind,
          ${isoUtcSql(Prisma.sql`sc.scanned_at`)} AS scanned_at, d.id IS NOT NULL AS discovered,
          ${isoUtcSql(Prisma.sql`d.gone_at`)} AS gone_at, ${isoUtcSql(Prisma.sql`d.deletion_at`)} AS deletion_at,
          d.rotation_enabled, d.rotation_schedule, ${isoUtcSql(PROVIDER_CHANGED_AT)} AS provider_changed_at,
          d.labels ->> 'owner' AS owner_label, d.labels ->> 'environment' AS environment_label,
          ${EXPECTED_OWNER} AS expected_owner, ${EXPECTED_ENVIRONMENT} AS expected_environment, d.current_version_id,
          ${verdicts}
        ${judged.from}
        WHERE ${judged.where} AND (${anyHit}) ${secretKeyset}
      ) j
      CROSS JOIN LATERAL (VALUES ${spread}) f(kind, hit)
      WHERE f.hit ${findingKeyset}
      ORDER BY j.secret_name, j.secret_id, f.kind
      LIMIT ${limit + 1}
    ) page
    JOIN environments e ON e.id = page.environment_id
    JOIN teams t ON t.id = page.owner_team_id
    ORDER BY page.secret_name, page.secret_id, page.kind`;
}

/** How many findings of each kind the scope holds, in one pass over the judged secrets. */
export function driftCountsSql(labels: string, scope: Omit<DriftScope, 'kind'>): Prisma.Sql {
  const cond = conditions(scope.toleranceHours ?? DEFAULT_TOLERANCE_HOURS);
  const judged = judgedFrom(labels, scope);
  const counts = Prisma.join(
    DRIFT_KINDS.map((k) => Prisma.sql`count(*) FILTER (WHERE ${cond[k]})::int AS ${Prisma.raw(k)}`),
    ', ',
  );
  return Prisma.sql`${judged.with} SELECT ${counts} ${judged.from} WHERE ${judged.where}`;
}

/** Every judged secret with at least one finding and the kinds it has (the posture checks read these). */
export function driftKindsSql(labels: string, scope: Omit<DriftScope, 'kind'>): Prisma.Sql {
  const cond = conditions(scope.toleranceHours ?? DEFAULT_TOLERANCE_HOURS);
  const judged = judgedFrom(labels, scope);
  const kinds = Prisma.join(
    DRIFT_KINDS.map((k) => Prisma.sql`CASE WHEN ${cond[k]} THEN ${k}::text END`),
    ', ',
  );
  const anyHit = Prisma.join(
    DRIFT_KINDS.map((k) => cond[k]),
    ' OR ',
  );
  return Prisma.sql`${judged.with} SELECT s.id AS secret_id, array_remove(ARRAY[${kinds}], NULL) AS kinds ${judged.from} WHERE ${judged.where} AND (${anyHit})`;
}
