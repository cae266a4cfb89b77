// Posture for people: the organisation's and each team's score with its trend (the day
// snapshots the worker keeps), how many secrets fail each check, a team's "what to fix
// first" list (most classified, lowest score first), and one secret's checklist computed
// live. Everyone who reads the inventory reads its posture (secrets.read).
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { Classification } from '@/generated/prisma/enums';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, queryRows } from '@/lib/db';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { NotFoundError } from '@/lib/errors';
import { POSTURE_CHECKS } from '@/lib/posture/checks';
import { postureContext, postureRows } from '@/lib/posture/refresh';
import { uuidOrNil } from '@/lib/validation/ids';
import type { PostureCheckKey } from '@/lib/validation/posture';

export type PostureFigures = {
  secrets: number;
  /** Average score, 0-100, one decimal. */
  score: number;
  failing: Partial<Record<PostureCheckKey, number>>;
};

export type PosturePoint = { day: string; score: number; secrets: number };

export type TeamPosture = { id: string; name: string; secrets: number; score: number; previousScore: number | null };

export type PostureOverview = {
  /** The newest refresh's day, or null before the first one. */
  day: string | null;
  org: PostureFigures | null;
  /** The chosen team's figures, when a team is chosen. */
  team: (PostureFigures & { id: string; name: string }) | null;
  series: PosturePoint[];
  teams: TeamPosture[];
};

type SnapshotRow = { day: Date; team_id: string | null; secrets: number; score_tenths: number; failing: Record<string, number> };

const figures = (r: SnapshotRow): PostureFigures => ({ secrets: r.secrets, score: r.score_tenths / 10, failing: r.failing as PostureFigures['failing'] });
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export async function postureOverview(caller: Caller, options: { team?: string; range: number }, now = new Date()): Promise<PostureOverview> {
  await authorize(caller, 'secrets.read', { action: 'posture.read', targetType: 'secret' });
  // The newest day up to today (the clock's: tests move it, and a snapshot taken ahead of it is not "now").
  const [latest] = await queryRows<{ day: Date | null }>(Prisma.sql`SELECT max(day) AS day FROM posture_snapshots WHERE day <= ${now}::date`);
  if (!latest?.day) return { day: null, org: null, team: null, series: [], teams: [] };
  const teamId = options.team ? uuidOrNil(options.team) : null;
  const since = new Date(now.getTime() - options.range * 86_400_000);
  const [today, series, teams] = await Promise.all([
    queryRows<SnapshotRow & { name: string | null }>(Prisma.sql`
      SELECT p.day, p.team_id, p.secrets, p.score_tenths, p.failing, t.name
      FROM posture_snapshots p LEFT JOIN teams t ON t.id = p.team_id
      WHERE p.day = ${latest.day}::date AND (p.team_id IS NULL OR p.team_id = ${teamId ?? null}::uuid)`),
    queryRows<SnapshotRow>(Prisma.sql`
      SELECT day, team_id, secrets, score_tenths, failing FROM posture_snapshots
      WHERE day >= ${since}::date AND day <= ${latest.day}::date AND team_id IS NOT DISTINCT FROM ${teamId ?? null}::uuid
      ORDER BY day`),
    queryRows<{ id: string; name: string; secrets: number; score_tenths: number; previous_tenths: number | null }>(Prisma.sql`
      SELECT t.id, t.name, p.secrets, p.score_tenths,
             (SELECT q.score_tenths FROM posture_snapshots q WHERE q.team_id = p.team_id AND q.day <= ${latest.day}::date - 7 ORDER BY q.day DESC LIMIT 1) AS previous_tenths
      FROM posture_snapshots p JOIN teams t ON t.id = p.team_id
      WHERE p.day = ${latest.day}::date
      ORDER BY p.score_tenths, t.name`),
  ]);
  const org = today.find((r) => r.team_id === null);
  const team = teamId ? today.find((r) => r.team_id === teamId) : undefined;
  return {
    day: dayOf(latest.day),
    org: org ? figures(org) : null,
    team: team ? { ...figures(team), id: team.team_id!, name: team.name ?? '' } : null,
    series: series.map((r) => ({ day: dayOf(r.day), score: r.score_tenths / 10, secrets: r.secrets })),
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      secrets: t.secrets,
      score: t.score_tenths / 10,
      previousScore: t.previous_tenths === null ? null : t.previous_tenths / 10,
    })),
  };
}

// ---------------------------------------------------------------------------
// What to fix first

export const FIX_FIRST_PAGE_SIZE = 25;

export type FixFirstItem = {
  id: string;
  name: string;
  environment: string;
  ownerTeam: string;
  classification: Classification;
  score: number;
  failing: PostureCheckKey[];
};

type FixRow = { id: string; name: string; environment: string; owner_team: string; classification: Classification; score: number; failing: string[] };

/** Secrets that fail a check, most classified first, then lowest score; a team's when given. */
export async function fixFirst(caller: Caller, options: { team?: string; after?: string }): Promise<{ items: FixFirstItem[]; nextCursor: string | null }> {
  await authorize(caller, 'secrets.read', { action: 'posture.read', targetType: 'secret' });
  const where = [Prisma.sql`cardinality(p.failing) > 0`];
  if (options.team) where.push(Prisma.sql`p.owner_team_id = ${uuidOrNil(options.team)}::uuid`);
  const cursor = decodeCursor(options.after);
  if (cursor?.value) {
    const [classification, score] = cursor.value.split(':');
    where.push(Prisma.sql`(p.classification, p.score, p.secret_id) > (${classification}::"Classification", ${Number(score)}::int, ${cursor.id}::uuid)`);
  }
  const rows = await queryRows<FixRow>(Prisma.sql`
    SELECT s.id, s.name, e.name AS environment, t.name AS owner_team, p.classification, p.score, p.failing
    FROM (
      SELECT p.secret_id, p.classification, p.score, p.failing FROM secret_postures p
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY p.classification, p.score, p.secret_id
      LIMIT ${FIX_FIRST_PAGE_SIZE + 1}
    ) p
    JOIN secrets s ON s.id = p.secret_id JOIN environments e ON e.id = s.environment_id JOIN teams t ON t.id = s.owner_team_id
    ORDER BY p.classification, p.score, p.secret_id`);
  return keysetPage(
    rows,
    FIX_FIRST_PAGE_SIZE,
    (r) => ({
      id: r.id,
      name: r.name,
      environment: r.environment,
      ownerTeam: r.owner_team,
      classification: r.classification,
      score: r.score,
      failing: r.failing as PostureCheckKey[],
    }),
    (last) => encodeCursor(`${last.classification}:${last.score}`, last.id),
  );
}

// ---------------------------------------------------------------------------
// One secret's checklist, live

export type SecretPostureCheck = { key: PostureCheckKey; label: string; advice: string; result: boolean | null };
export type SecretPosture = { score: number; checks: SecretPostureCheck[] } | null;

/** The checklist as of now (null for a decommissioned secret, which has no posture). */
export async function secretPosture(caller: Caller, secretId: string, now = new Date()): Promise<SecretPosture> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const id = uuidOrNil(secretId);
  const exists = await db.secret.findUnique({ where: { id }, select: { status: true } });
  if (!exists) throw new NotFoundError('This secret does not exist.');
  const [row] = await queryRows<{ checks: Record<string, boolean | null>; passed: number; applicable: number }>(
    postureRows(await postureContext(now, id), Prisma.sql`s.id = ${id}::uuid`),
  );
  if (!row) return null;
  return {
    score: row.applicable === 0 ? 100 : Math.round((100 * row.passed) / row.applicable),
    checks: POSTURE_CHECKS.map((c) => ({ key: c.key, label: c.label, advice: c.advice, result: row.checks[c.key] ?? null })),
  };
}
