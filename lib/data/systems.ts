// Systems: the services that consume secrets, each owned by a team. Paged listing
// (search, owner and status filters) with consumer counts, one system, create, update
// and decommission/reactivate (an audited change of status). Every function checks a
// permission first; writes are audited in the same transaction. Returns DTOs.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { insertAudited } from './audited-insert';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { refusingTakenName } from '@/lib/db/unique-name';
import { ConflictError, InputError, NotFoundError } from '@/lib/errors';
import { ZSystemInput, ZSystemListQuery, ZSystemStatusChange, type TSystemListQuery, type TSystemStatus } from '@/lib/validation/catalog';
import { parseInput } from '@/lib/validation/parse';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { uuidOrNil } from '@/lib/validation/ids';
import { assertNotStale } from '@/lib/db/stale-edit';
import { escapeLike } from '@/lib/db/like';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

export type SystemListItem = {
  id: string;
  name: string;
  description: string;
  status: TSystemStatus;
  ownerTeam: { id: string; name: string };
  /** Secrets, not decommissioned, that list this system (what /inventory?system= shows). */
  consumerCount: number;
};

export type SystemListPage = { items: SystemListItem[]; nextCursor: string | null; total: number };

export type SystemDetail = SystemListItem & { principals: string[]; createdAt: string; updatedAt: string };

type Row = {
  id: string;
  name: string;
  description: string;
  principals: string[] | null;
  status: TSystemStatus;
  team_id: string;
  team_name: string;
  consumer_count: number;
  created_at: Date;
  updated_at: Date;
};

// secret_consumers(system_id, secret_id) finds a system's secrets; each is then one
// primary-key probe for its status. A page holds at most 100 systems.
const SELECT = Prisma.sql`
  SELECT y.id, y.name, y.description, y.principals, y.status, y.created_at, y.updated_at,
         t.id AS team_id, t.name AS team_name,
         (SELECT count(*) FROM secret_consumers c JOIN secrets s ON s.id = c.secret_id
           WHERE c.system_id = y.id AND s.status <> 'decommissioned'::"SecretStatus")::int AS consumer_count
  FROM systems y
  JOIN teams t ON t.id = y.owner_team_id`;

const toItem = (r: Row): SystemListItem => ({
  id: r.id,
  name: r.name,
  description: r.description,
  status: r.status,
  ownerTeam: { id: r.team_id, name: r.team_name },
  consumerCount: r.consumer_count,
});

function filterConditions(query: TSystemListQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.q) where.push(Prisma.sql`y.name ILIKE ${`%${escapeLike(query.q)}%`}`);
  if (query.owner) where.push(Prisma.sql`y.owner_team_id = ${query.owner}::uuid`);
  if (query.status) where.push(Prisma.sql`y.status = ${query.status}::"SystemStatus"`);
  return where;
}

const and = (parts: Prisma.Sql[]) => (parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`);

export async function listSystems(caller: Caller, rawQuery: Partial<TSystemListQuery> = {}): Promise<SystemListPage> {
  await authorize(caller, 'secrets.read', { action: 'system.list', targetType: 'system' });
  const query = ZSystemListQuery.parse(rawQuery);
  const filters = filterConditions(query);
  const cursor = decodeCursor(query.after);
  const pageWhere = cursor && cursor.value !== null ? [...filters, Prisma.sql`(y.name, y.id) > (${cursor.value}, ${cursor.id}::uuid)`] : filters;

  const [rows, [{ total }]] = await Promise.all([
    db.$queryRaw<Row[]>`${SELECT} WHERE ${and(pageWhere)} ORDER BY y.name, y.id LIMIT ${query.size + 1}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM systems y WHERE ${and(filters)}`,
  ]);
  return { ...keysetPage(rows, query.size, toItem, (last) => encodeCursor(last.name, last.id)), total };
}

export async function getSystem(caller: Caller, id: string): Promise<SystemDetail> {
  await authorize(caller, 'secrets.read', { action: 'system.read', targetType: 'system', targetId: id });
  const [row] = await db.$queryRaw<Row[]>`${SELECT} WHERE y.id = ${uuidOrNil(id)}::uuid`;
  if (!row) throw new NotFoundError('This system does not exist.');
  return {
    ...toItem(row),
    principals: row.principals ?? [],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Writing

/** The audited view of a system: the owner by name, so history reads on its own. */
// principals: one per line, null when none (so a system created without any records no change).
type Snapshot = { name: string; description: string; principals: string | null; ownerTeam: string; status: string };
const AUDITED_FIELDS = ['name', 'description', 'principals', 'ownerTeam', 'status'] as const satisfies readonly (keyof Snapshot)[];

const snapshotSelect = {
  id: true,
  name: true,
  description: true,
  principals: true,
  status: true,
  updatedAt: true,
  ownerTeam: { select: { name: true } },
} satisfies Prisma.SystemSelect;

type SnapshotRow = Prisma.SystemGetPayload<{ select: typeof snapshotSelect }>;

const snapshotOf = (s: SnapshotRow): Snapshot => ({
  name: s.name,
  description: s.description,
  principals: (s.principals ?? []).join('\n') || null,
  ownerTeam: s.ownerTeam.name,
  status: s.status,
});

function nameTaken(): InputError {
  return new ConflictError('A system with this name already exists.', { name: ['A system with this name already exists'] });
}

/** The owning team's name, or a field error when the chosen team does not exist. */
async function ownerTeamName(tx: Tx, ownerTeamId: string): Promise<string> {
  const team = await tx.team.findUnique({ where: { id: ownerTeamId }, select: { name: true } });
  if (!team) throw new InputError('Some fields need attention.', { ownerTeamId: ['This team does not exist'] });
  return team.name;
}

export async function createSystem(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'catalog.write', { action: 'system.create', targetType: 'system' });
  const input = parseInput(ZSystemInput, raw);
  const audit = { action: 'system.create', targetType: 'system', changes: (created: SnapshotRow) => changedFields(null, snapshotOf(created), AUDITED_FIELDS) };
  return refusingTakenName(nameTaken, () =>
    insertAudited(caller, audit, async (tx: Tx) => {
      await ownerTeamName(tx, input.ownerTeamId);
      return tx.system.create({
        data: { name: input.name, description: input.description, principals: input.principals, ownerTeamId: input.ownerTeamId, status: input.status },
        select: snapshotSelect,
      });
    }),
  );
}

function lockSystem(tx: Tx, id: string): Promise<SnapshotRow> {
  return lockedRow(tx, 'systems', id, (key) => tx.system.findUnique({ where: { id: key }, select: snapshotSelect }), 'This system does not exist.');
}

export async function updateSystem(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'catalog.write', { action: 'system.update', targetType: 'system', targetId: id });
  const input = parseInput(ZSystemInput, raw);
  return refusingTakenName(nameTaken, () =>
    db.$transaction(async (tx) => {
      const before = await lockSystem(tx, id);
      assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'system');
      const after: Snapshot = {
        name: input.name,
        description: input.description,
        principals: input.principals.join('\n') || null,
        ownerTeam: await ownerTeamName(tx, input.ownerTeamId),
        status: input.status,
      };
      const changes = changedFields(snapshotOf(before), after, AUDITED_FIELDS);
      await updateAudited(tx, caller, { action: 'system.update', targetType: 'system', targetId: before.id, changes }, () =>
        tx.system.update({
          where: { id: before.id },
          data: { name: input.name, description: input.description, principals: input.principals, ownerTeamId: input.ownerTeamId, status: input.status },
        }),
      );
      return { id: before.id };
    }),
  );
}

/** Decommission or reactivate: an update of the status alone, audited as system.update. */
export async function setSystemStatus(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'catalog.write', { action: 'system.update', targetType: 'system', targetId: id });
  const { status } = parseInput(ZSystemStatusChange, raw);
  return db.$transaction(async (tx) => {
    const before = await lockSystem(tx, id);
    if (before.status === status) {
      throw new InputError(status === 'decommissioned' ? 'This system is already decommissioned.' : 'This system is already active.');
    }
    await tx.system.update({ where: { id: before.id }, data: { status } });
    await recordAudit(tx, caller, {
      action: 'system.update',
      targetType: 'system',
      targetId: before.id,
      changes: { status: { before: before.status, after: status } },
    });
    return { id: before.id };
  });
}
