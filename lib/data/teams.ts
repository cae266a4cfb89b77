// Teams: the owners of secrets and systems. Paged listing with ownership counts, one
// team with the systems it owns, create and update. Every function checks a permission
// first; writes are audited in the same transaction. Returns DTOs, never Prisma rows.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { changedFields } from '@/lib/audit/changes';
import { insertAudited } from './audited-insert';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { refusingTakenName } from '@/lib/db/unique-name';
import { InputError, NotFoundError } from '@/lib/errors';
import { ZTeamInput, ZTeamListQuery, type TTeamListQuery } from '@/lib/validation/catalog';
import { parseInput } from '@/lib/validation/parse';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { uuidOrNil } from '@/lib/validation/ids';
import { assertNotStale } from '@/lib/db/stale-edit';
import { escapeLike } from '@/lib/db/like';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

export type TeamCounts = {
  /** Secrets the team owns that are not decommissioned (what /inventory?owner= shows). */
  secretCount: number;
  systemCount: number;
};

export type TeamListItem = TeamCounts & { id: string; name: string; description: string };

export type TeamListPage = { items: TeamListItem[]; nextCursor: string | null; total: number };

export type TeamDetail = TeamListItem & {
  /** The first SYSTEMS_SHOWN systems by name; systemCount says how many there are. */
  systems: { id: string; name: string; status: 'active' | 'decommissioned' }[];
  createdAt: string;
  updatedAt: string;
};

export const SYSTEMS_SHOWN = 100;

type Row = { id: string; name: string; description: string; secret_count: number; system_count: number };

// Correlated counts per row: secrets(owner_team_id, ...) and systems(owner_team_id)
// are indexed, and a page holds at most 100 teams.
const COUNTS = Prisma.sql`
  (SELECT count(*) FROM secrets s
    WHERE s.owner_team_id = t.id AND s.status <> 'decommissioned'::"SecretStatus")::int AS secret_count,
  (SELECT count(*) FROM systems y WHERE y.owner_team_id = t.id)::int AS system_count`;

const toItem = (r: Row): TeamListItem => ({
  id: r.id,
  name: r.name,
  description: r.description,
  secretCount: r.secret_count,
  systemCount: r.system_count,
});

export async function listTeams(caller: Caller, rawQuery: Partial<TTeamListQuery> = {}): Promise<TeamListPage> {
  await authorize(caller, 'secrets.read', { action: 'team.list', targetType: 'team' });
  const query = ZTeamListQuery.parse(rawQuery);
  const filter = query.q ? Prisma.sql`t.name ILIKE ${`%${escapeLike(query.q)}%`}` : Prisma.sql`TRUE`;
  const cursor = decodeCursor(query.after);
  // A cursor's value is a team name; a null one (never written by us) means "from the start".
  const after = cursor && cursor.value !== null ? Prisma.sql`(t.name, t.id) > (${cursor.value}, ${cursor.id}::uuid)` : Prisma.sql`TRUE`;

  const [rows, [{ total }]] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT t.id, t.name, t.description, ${COUNTS}
      FROM teams t
      WHERE ${filter} AND ${after}
      ORDER BY t.name, t.id
      LIMIT ${query.size + 1}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM teams t WHERE ${filter}`,
  ]);
  return { ...keysetPage(rows, query.size, toItem, (last) => encodeCursor(last.name, last.id)), total };
}

export async function getTeam(caller: Caller, id: string): Promise<TeamDetail> {
  await authorize(caller, 'secrets.read', { action: 'team.read', targetType: 'team', targetId: id });
  const teamId = uuidOrNil(id);
  const [rows, systems] = await Promise.all([
    db.$queryRaw<(Row & { created_at: Date; updated_at: Date })[]>`
      SELECT t.id, t.name, t.description, t.created_at, t.updated_at, ${COUNTS}
      FROM teams t WHERE t.id = ${teamId}::uuid`,
    db.system.findMany({
      where: { ownerTeamId: teamId },
      select: { id: true, name: true, status: true },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: SYSTEMS_SHOWN,
    }),
  ]);
  const row = rows[0];
  if (!row) throw new NotFoundError('This team does not exist.');
  return {
    ...toItem(row),
    systems,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Writing

const AUDITED_FIELDS = ['name', 'description'] as const;

function nameTaken(): InputError {
  return new InputError('A team with this name already exists.', { name: ['A team with this name already exists'] });
}

export async function createTeam(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'catalog.write', { action: 'team.create', targetType: 'team' });
  const input = parseInput(ZTeamInput, raw);
  const audit = {
    action: 'team.create',
    targetType: 'team',
    changes: (created: { name: string; description: string }) => changedFields(null, created, AUDITED_FIELDS),
  };
  return refusingTakenName(nameTaken, () =>
    insertAudited(caller, audit, (tx: Tx) =>
      tx.team.create({ data: { name: input.name, description: input.description }, select: { id: true, name: true, description: true } }),
    ),
  );
}

function lockTeam(tx: Tx, id: string) {
  return lockedRow(
    tx,
    'teams',
    id,
    (key) => tx.team.findUnique({ where: { id: key }, select: { id: true, name: true, description: true, updatedAt: true } }),
    'This team does not exist.',
  );
}

export async function updateTeam(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'catalog.write', { action: 'team.update', targetType: 'team', targetId: id });
  const input = parseInput(ZTeamInput, raw);
  return refusingTakenName(nameTaken, () =>
    db.$transaction(async (tx) => {
      const before = await lockTeam(tx, id);
      assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'team');
      const changes = changedFields(before, input, AUDITED_FIELDS);
      await updateAudited(tx, caller, { action: 'team.update', targetType: 'team', targetId: before.id, changes }, () =>
        tx.team.update({ where: { id: before.id }, data: { name: input.name, description: input.description } }),
      );
      return { id: before.id };
    }),
  );
}
