// Team scope: the second half of every authorization on a secret. The role says what a
// user may do at all (permissions.ts); the team that owns the secret says on which
// secrets. Engineers write values, rotate, change versions, handle incidents and edit
// the guarded fields of a secret only when they belong to its owning team; admins act on
// every secret. A refusal is audited like a missing permission, with the team named.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import type { Caller, SessionUser } from './caller';
import { authorize } from './authorize';
import type { Permission } from './permissions';
import { uuidOrNil } from '@/lib/validation/ids';

type Attempt = Parameters<typeof authorize>[2];

/** Roles that act on every team's secrets. */
export const ACTS_ON_EVERY_TEAM = ['admin'] as const satisfies readonly SessionUser['role'][];

export function actsOnEveryTeam(user: Pick<SessionUser, 'role'>): boolean {
  return (ACTS_ON_EVERY_TEAM as readonly string[]).includes(user.role);
}

export async function isTeamMember(userId: string, teamId: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM team_members WHERE user_id = ${userId}::uuid AND team_id = ${teamId}::uuid`;
  return rows.length > 0;
}

export type OwnerTeamAccess = 'admin' | 'member' | 'none';

/** For pages: whether to offer team-scoped actions, and why not. */
export async function ownerTeamAccessOf(user: SessionUser, teamId: string): Promise<OwnerTeamAccess> {
  if (actsOnEveryTeam(user)) return 'admin';
  return (await isTeamMember(user.id, teamId)) ? 'member' : 'none';
}

/** The message a person gets when the secret belongs to a team they are not in. */
export function notInTeamMessage(teamName: string): string {
  return `Only members of ${teamName}, the team that owns this secret, can do that. An administrator can add you to the team.`;
}

/**
 * Checks `permission` and that the caller may use it on secrets owned by `team`. Call it
 * once the target is loaded (the owning team comes from the row, never from input).
 */
export async function authorizeForTeam(caller: Caller, permission: Permission, attempt: Attempt, team: { id: string; name: string }): Promise<SessionUser> {
  return requireTeam(caller, await authorize(caller, permission, attempt), permission, attempt, team);
}

/** What a team-scoped call acts on; the owning team is read from it, never taken from input. */
export type ScopedTarget = { secretId: string } | { rotationId: string } | { incidentId: string } | { approvalId: string };

/**
 * authorizeForTeam for a secret, a rotation run or an incident by id: the permission is
 * checked first (so a signed-out or under-privileged caller learns nothing about the
 * target), then the owning team of the secret behind it.
 */
export async function authorizeForSecret(caller: Caller, permission: Permission, attempt: Attempt, target: ScopedTarget): Promise<SessionUser> {
  const user = await authorize(caller, permission, attempt);
  const owner = await owningTeam(target);
  if (!owner) throw new NotFoundError(NOT_FOUND[Object.keys(target)[0] as keyof typeof NOT_FOUND]);
  return requireTeam(caller, user, permission, attempt, owner);
}

/** The audit target type of each kind of scoped record. */
const TARGET_TYPE = {
  secretId: 'secret',
  rotationId: 'rotation',
  incidentId: 'incident',
  approvalId: 'change_approval',
} as const;

/**
 * authorizeForSecret for the usual attempt: `action` on the scoped record itself. The
 * audited target is taken from `target`, so the two cannot name different records.
 */
export function authorizeActionOn(caller: Caller, permission: Permission, action: string, target: ScopedTarget): Promise<SessionUser> {
  const [kind, id] = Object.entries(target)[0] as [keyof typeof TARGET_TYPE, string];
  return authorizeForSecret(caller, permission, { action, targetType: TARGET_TYPE[kind], targetId: id }, target);
}

const NOT_FOUND = {
  secretId: 'This secret does not exist.',
  rotationId: 'This rotation does not exist.',
  incidentId: 'This incident does not exist.',
  approvalId: 'This approval request does not exist.',
} as const;

async function owningTeam(target: ScopedTarget): Promise<{ id: string; name: string } | null> {
  const secretId =
    'secretId' in target
      ? Prisma.sql`${uuidOrNil(target.secretId)}::uuid`
      : 'rotationId' in target
        ? Prisma.sql`(SELECT secret_id FROM rotation_runs WHERE id = ${uuidOrNil(target.rotationId)}::uuid)`
        : 'incidentId' in target
          ? Prisma.sql`(SELECT secret_id FROM incidents WHERE id = ${uuidOrNil(target.incidentId)}::uuid)`
          : Prisma.sql`(SELECT secret_id FROM change_approvals WHERE id = ${uuidOrNil(target.approvalId)}::uuid)`;
  const [owner] = await db.$queryRaw<{ id: string; name: string }[]>`
    SELECT t.id, t.name FROM secrets s JOIN teams t ON t.id = s.owner_team_id WHERE s.id = ${secretId}`;
  return owner ?? null;
}

/**
 * The team half alone, for a caller whose permission was checked already (an edit that
 * turns out to touch guarded fields). `detail` adds to the denial's audit event.
 */
export async function requireTeam(
  caller: Caller,
  user: SessionUser,
  permission: Permission,
  attempt: Attempt,
  team: { id: string; name: string },
  detail: Record<string, string> = {},
): Promise<SessionUser> {
  if (actsOnEveryTeam(user) || (await isTeamMember(user.id, team.id))) return user;
  await recordAudit(db, caller, {
    ...attempt,
    outcome: 'denied',
    detail: { permission, reason: 'not_team_member', team: team.name, ...detail },
  });
  throw new ForbiddenError(notInTeamMessage(team.name));
}
