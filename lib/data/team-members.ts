// Who belongs to which team. Everyone signed in sees a team's members (so people know
// whom to ask); administrators add and remove them. Membership is what team-scoped
// authorization checks (lib/auth/team-scope.ts): adding or removing one changes what an
// engineer may do, so every change is audited in the same transaction.
import 'server-only';
import type { MembershipSource, Role } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { InputError, NotFoundError } from '@/lib/errors';
import { ZTeamMemberAdd, ZTeamMemberRemove } from '@/lib/validation/catalog';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';

export type TeamMemberView = {
  userId: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  source: MembershipSource;
  since: string;
};

/** Teams are groups of people, not directories: a page shows up to this many members. */
export const MEMBERS_SHOWN = 500;

export async function listTeamMembers(caller: Caller, teamId: string): Promise<TeamMemberView[]> {
  await authorize(caller, 'secrets.read', { action: 'team.read', targetType: 'team', targetId: teamId });
  const rows = await db.teamMember.findMany({
    // People only: the team's service accounts are listed with its service tokens.
    where: { teamId: uuidOrNil(teamId), user: { kind: 'person' } },
    select: { source: true, createdAt: true, user: { select: { id: true, name: true, email: true, role: true, status: true } } },
    orderBy: [{ user: { name: 'asc' } }, { userId: 'asc' }],
    take: MEMBERS_SHOWN,
  });
  return rows.map((r) => ({
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    role: r.user.role,
    active: r.user.status === 'active',
    source: r.source,
    since: r.createdAt.toISOString(),
  }));
}

async function teamNamed(teamId: string) {
  const team = await db.team.findUnique({ where: { id: uuidOrNil(teamId) }, select: { id: true, name: true } });
  if (!team) throw new NotFoundError('This team does not exist.');
  return team;
}

export async function addTeamMember(caller: Caller, teamId: string, raw: unknown): Promise<{ userId: string }> {
  const attempt = { action: 'team.member_add', targetType: 'team', targetId: teamId } as const;
  await authorize(caller, 'admin.users', attempt);
  const { email } = parseInput(ZTeamMemberAdd, raw);
  const team = await teamNamed(teamId);
  const user = await db.user.findUnique({ where: { email, kind: 'person' }, select: { id: true, email: true } });
  if (!user) throw new InputError('Some fields need attention.', { email: ['No account has this email. Invite the person first.'] });
  return db.$transaction(async (tx) => {
    const added = await tx.teamMember.createMany({ data: [{ teamId: team.id, userId: user.id }], skipDuplicates: true });
    if (added.count === 0) throw new InputError('Some fields need attention.', { email: [`${user.email} is already a member of ${team.name}`] });
    await recordAudit(tx, caller, { ...attempt, targetId: team.id, detail: { team: team.name, member: user.email } });
    return { userId: user.id };
  });
}

export async function removeTeamMember(caller: Caller, teamId: string, raw: unknown): Promise<{ userId: string }> {
  const attempt = { action: 'team.member_remove', targetType: 'team', targetId: teamId } as const;
  await authorize(caller, 'admin.users', attempt);
  const { userId } = parseInput(ZTeamMemberRemove, raw);
  const team = await teamNamed(teamId);
  return db.$transaction(async (tx) => {
    const [removed] = await tx.$queryRaw<{ email: string; source: MembershipSource }[]>`
      DELETE FROM team_members m USING users u
      WHERE m.team_id = ${team.id}::uuid AND m.user_id = ${userId}::uuid AND u.id = m.user_id AND u.kind = 'person'
      RETURNING u.email, m.source`;
    if (!removed) throw new NotFoundError('This person is not a member of the team.');
    await recordAudit(tx, caller, { ...attempt, targetId: team.id, detail: { team: team.name, member: removed.email, source: removed.source } });
    return { userId };
  });
}

/** The teams the caller belongs to, by name: where a team lead's own views start. */
export async function myTeamIds(caller: Caller): Promise<string[]> {
  const user = await authorize(caller, 'secrets.read', { action: 'team.list', targetType: 'team' });
  const rows = await db.teamMember.findMany({ where: { userId: user.id }, select: { teamId: true }, orderBy: { team: { name: 'asc' } } });
  return rows.map((r) => r.teamId);
}
