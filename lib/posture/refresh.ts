// Recomputes every secret's posture (secret_postures) in one statement and records the
// day's snapshot for the trend chart: the organisation and each team, replacing the rows
// of the same day so the chart's last point is always the newest refresh. The worker runs
// it every 15 minutes; the secret page computes one secret live with the same checks.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { db } from '@/lib/db';
import { utcDay } from '@/lib/rotation/health-snapshot';
import { driftKindsBySecret } from '@/lib/discovery/drift';
import { POSTURE_CHECKS, type PostureContext } from './checks';

export type PostureResults = Record<string, boolean | null>;

/** The drift findings the checks need, for every secret or one. */
export async function postureContext(now: Date, secretId?: string): Promise<PostureContext> {
  const drift = await driftKindsBySecret(secretId ? { secretId } : {});
  return {
    now,
    drifted: drift.filter((d) => d.kinds.some((k) => k !== 'tags_mismatch')).map((d) => d.secretId),
    mislabelled: drift.filter((d) => d.kinds.includes('tags_mismatch')).map((d) => d.secretId),
  };
}

/** `{"owner_contact": true, ...}` for the secret `s`, as one jsonb expression. */
function checksJson(context: PostureContext): Prisma.Sql {
  return Prisma.sql`jsonb_build_object(${Prisma.join(
    POSTURE_CHECKS.map((c) => Prisma.sql`${c.key}::text, ${c.sql(context)}`),
    ', ',
  )})`;
}

/** One row per secret in use with its checks, failing keys, passed and applicable counts. */
export function postureRows(context: PostureContext, where: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  // MATERIALIZED: each secret's checks are computed once, not once per column that reads them.
  return Prisma.sql`
    WITH x AS MATERIALIZED (
      SELECT s.id, s.owner_team_id, s.classification, ${checksJson(context)} AS checks
      FROM secrets s
      WHERE s.status <> 'decommissioned' AND ${where}
    )
    SELECT x.id, x.owner_team_id, x.classification, x.checks,
           coalesce(ARRAY(SELECT k FROM jsonb_each(x.checks) j(k, v) WHERE v = 'false'::jsonb ORDER BY k), '{}') AS failing,
           (SELECT count(*) FROM jsonb_each(x.checks) j(k, v) WHERE v = 'true'::jsonb)::int AS passed,
           (SELECT count(*) FROM jsonb_each(x.checks) j(k, v) WHERE v <> 'null'::jsonb)::int AS applicable
    FROM x`;
}

export type RefreshResult = { secrets: number; day: string };

export async function refreshPosture(now: Date): Promise<RefreshResult> {
  const day = utcDay(now);
  const context = await postureContext(now);
  return db.$transaction(
    async (tx) => {
      // A background job over every secret: not held to the interactive statement timeout.
      await tx.$executeRaw`SET LOCAL statement_timeout = 0`;
      // One refresh at a time (a scheduled job and one sent by hand): the day's snapshot rows
      // are deleted and inserted again, which two interleaved refreshes would double.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('posture-refresh'))`;
      const secrets = await tx.$executeRaw`
        INSERT INTO secret_postures AS p (secret_id, owner_team_id, classification, checks, failing, passed, applicable, score, computed_at)
        SELECT r.id, r.owner_team_id, r.classification, r.checks, r.failing, r.passed, r.applicable,
               CASE WHEN r.applicable = 0 THEN 100 ELSE round(100.0 * r.passed / r.applicable)::int END, ${now}
        FROM (${postureRows(context)}) r
        ON CONFLICT (secret_id) DO UPDATE SET owner_team_id = EXCLUDED.owner_team_id, classification = EXCLUDED.classification,
          checks = EXCLUDED.checks, failing = EXCLUDED.failing, passed = EXCLUDED.passed, applicable = EXCLUDED.applicable,
          score = EXCLUDED.score, computed_at = EXCLUDED.computed_at`;
      // Decommissioned (or deleted, by cascade) secrets leave the posture.
      await tx.$executeRaw`DELETE FROM secret_postures p WHERE p.computed_at <> ${now}`;

      await tx.$executeRaw`DELETE FROM posture_snapshots WHERE day = ${day}::date`;
      await tx.$executeRaw`
        WITH fails AS (
          SELECT p.owner_team_id, f AS check_key, count(*)::int AS n FROM secret_postures p, unnest(p.failing) f GROUP BY p.owner_team_id, f
        )
        INSERT INTO posture_snapshots (id, day, team_id, secrets, score_tenths, failing, created_at)
        SELECT gen_random_uuid(), ${day}::date, g.team_id, g.secrets, g.score_tenths, g.failing, ${now}
        FROM (
          SELECT p.owner_team_id AS team_id, count(*)::int AS secrets, round(avg(p.score) * 10)::int AS score_tenths,
                 coalesce((SELECT jsonb_object_agg(f.check_key, f.n) FROM fails f WHERE f.owner_team_id = p.owner_team_id), '{}'::jsonb) AS failing
          FROM secret_postures p GROUP BY p.owner_team_id
          UNION ALL
          SELECT NULL, count(*)::int, coalesce(round(avg(p.score) * 10), 1000)::int,
                 coalesce((SELECT jsonb_object_agg(t.check_key, t.n) FROM (SELECT check_key, sum(n)::int AS n FROM fails GROUP BY check_key) t), '{}'::jsonb)
          FROM secret_postures p
        ) g`;
      return { secrets, day };
    },
    // 100,000 secrets take seconds; the default 5 s would be too tight on a busy machine.
    { timeout: 300_000, maxWait: 30_000 },
  );
}
