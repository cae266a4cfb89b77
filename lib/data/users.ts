// User administration: list accounts, invite people (one-time code or SSO), change
// roles, disable/enable accounts and reissue invite codes. Every change is audited in
// the same transaction. Invite codes are returned once to the admin who made them and
// are otherwise kept only as a sha256 hash: never in an audit event, log line or DTO.
import 'server-only';
import { activeAdminCount, lockAdminGuard } from '@/lib/auth/admin-guard';
import { createHash, randomBytes } from 'node:crypto';
import { Prisma } from '@/generated/prisma/client';
import type { Role, UserStatus } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { endUserSessions } from '@/lib/auth/sessions';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { InputError, isUniqueViolation, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { USER_PAGE_SIZE, type TUserListQuery } from '@/lib/validation/user-list';
import { ZRoleChange, ZUserCreate, ZUserStatus } from '@/lib/validation/user';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { uuidOrNil } from '@/lib/validation/ids';
import { escapeLike } from '@/lib/db/like';

export const INVITE_VALID_DAYS = 7;
const DAY_MS = 86_400_000;

// Serializes every change that could remove an administrator (pg_advisory_xact_lock
// key), so two admins demoting each other at once cannot leave none.

export type InviteState = 'none' | 'pending' | 'expired';

export type UserListItem = {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  hasPassword: boolean;
  /** Signed in through SSO at least once (linked to an identity-provider subject). */
  ssoLinked: boolean;
  /** A TOTP second factor is set up. */
  mfaEnabled: boolean;
  invite: InviteState;
  inviteExpires: string | null;
  lastSignInAt: string | null;
  createdAt: string;
};

export type UserListPage = { items: UserListItem[]; nextCursor: string | null; total: number };

/** What an admin gets back once when a code is issued; show it, then forget it. */
export type IssuedInvite = { id: string; email: string; inviteCode: string | null; inviteExpires: string | null };

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

function newInviteCode(): { code: string; hash: string; expires: Date } {
  const code = randomBytes(24).toString('base64url');
  return { code, hash: sha256Hex(code), expires: new Date(Date.now() + INVITE_VALID_DAYS * DAY_MS) };
}

// ---------------------------------------------------------------------------
// Listing

type ListRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  has_password: boolean;
  sso_linked: boolean;
  mfa_enabled: boolean;
  has_invite: boolean;
  invite_expires: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
};

const and = (parts: Prisma.Sql[]) => (parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`);

export async function listUsers(caller: Caller, query: TUserListQuery): Promise<UserListPage> {
  await authorize(caller, 'admin.users', { action: 'user.list', targetType: 'user' });
  // People only: service accounts are listed with their tokens (teams, Account page).
  const filters: Prisma.Sql[] = [Prisma.sql`u.kind = 'person'`];
  if (query.q) {
    const like = `%${escapeLike(query.q.toLowerCase())}%`;
    filters.push(Prisma.sql`(u.email LIKE ${like} OR lower(u.name) LIKE ${like})`);
  }
  if (query.role) filters.push(Prisma.sql`u.role = ${query.role}::"Role"`);
  if (query.status) filters.push(Prisma.sql`u.status = ${query.status}::"UserStatus"`);
  const cursor = decodeCursor(query.after);
  const page = cursor?.value ? [...filters, Prisma.sql`(u.email, u.id) > (${cursor.value}, ${cursor.id}::uuid)`] : filters;

  // Hash columns are only tested for presence here; their values never leave the database.
  const [rows, [{ total }]] = await Promise.all([
    db.$queryRaw<ListRow[]>`
      SELECT u.id, u.email, u.name, u.role, u.status,
             u.password_hash IS NOT NULL AS has_password,
             u.oidc_subject IS NOT NULL AS sso_linked,
             u.totp_enabled_at IS NOT NULL AS mfa_enabled,
             u.invite_code_hash IS NOT NULL AS has_invite,
             u.invite_expires, u.last_sign_in_at, u.created_at
      FROM users u
      WHERE ${and(page)}
      ORDER BY u.email, u.id
      LIMIT ${USER_PAGE_SIZE + 1}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM users u WHERE ${and(filters)}`,
  ]);
  return { ...keysetPage(rows, USER_PAGE_SIZE, toListItem, (last) => encodeCursor(last.email, last.id)), total };
}

function toListItem(r: ListRow): UserListItem {
  const invite: InviteState = !r.has_invite ? 'none' : r.invite_expires && r.invite_expires.getTime() > Date.now() ? 'pending' : 'expired';
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status: r.status,
    hasPassword: r.has_password,
    ssoLinked: r.sso_linked,
    mfaEnabled: r.mfa_enabled,
    invite,
    inviteExpires: invite === 'none' ? null : (r.invite_expires?.toISOString() ?? null),
    lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Creating (inviting)

export async function createUser(caller: Caller, raw: unknown): Promise<IssuedInvite> {
  await authorize(caller, 'admin.users', { action: 'user.create', targetType: 'user' });
  const input = parseInput(ZUserCreate, raw);
  const invite = input.signIn === 'password' ? newInviteCode() : null;
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: input.email,
          name: input.name,
          role: input.role,
          inviteCodeHash: invite?.hash ?? null,
          inviteExpires: invite?.expires ?? null,
        },
        select: { id: true, email: true },
      });
      await recordAudit(tx, caller, {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        changes: {
          email: { before: null, after: input.email },
          name: { before: null, after: input.name },
          role: { before: null, after: input.role },
          status: { before: null, after: 'active' },
          signIn: { before: null, after: input.signIn },
          ...(invite ? { inviteExpires: { before: null, after: invite.expires.toISOString() } } : {}),
        },
      });
      return {
        id: user.id,
        email: user.email,
        inviteCode: invite?.code ?? null,
        inviteExpires: invite?.expires.toISOString() ?? null,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new InputError('Some fields need attention.', { email: ['A user with this email address already exists'] });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Changing

type Locked = {
  id: string;
  email: string;
  role: Role;
  status: UserStatus;
  hasPassword: boolean;
  inviteExpires: Date | null;
  hasInvite: boolean;
};

/**
 * Takes the admin guard lock, then locks and reads the target row, for the rest of the
 * transaction. Every path that can remove an administrator goes through here first.
 */
async function lockUser(tx: Tx, id: string): Promise<Locked> {
  await lockAdminGuard(tx);
  const [row] = await tx.$queryRaw<Locked[]>`
    SELECT id, email, role, status, password_hash IS NOT NULL AS "hasPassword",
           invite_code_hash IS NOT NULL AS "hasInvite", invite_expires AS "inviteExpires"
    FROM users WHERE id = ${uuidOrNil(id)}::uuid AND kind = 'person' FOR UPDATE`;
  if (!row) throw new NotFoundError('This user does not exist.');
  return row;
}

/** Refuses a change that would take `target` out of the active administrators. */
async function assertAdminRemains(tx: Tx, actor: SessionUser, target: Locked, verb: 'demote' | 'disable') {
  if (target.role !== 'admin' || target.status !== 'active') return;
  if (target.id === actor.id) {
    throw new InputError(
      verb === 'demote'
        ? 'You cannot remove your own administrator role. Ask another administrator to do it.'
        : 'You cannot disable your own account. Ask another administrator to do it.',
    );
  }
  const admins = await activeAdminCount(tx);
  if (admins <= 1) {
    throw new InputError(
      `${target.email} is the last active administrator, so they cannot be ${verb === 'demote' ? 'given another role' : 'disabled'}. Make someone else an administrator first.`,
    );
  }
}

export async function changeRole(caller: Caller, userId: string, role: unknown): Promise<{ id: string; changed: boolean }> {
  const actor = await authorize(caller, 'admin.users', { action: 'user.role_change', targetType: 'user', targetId: userId });
  const input = parseInput(ZRoleChange, { role });
  return db.$transaction(async (tx) => {
    const before = await lockUser(tx, userId);
    if (before.role === input.role) return { id: before.id, changed: false };
    if (input.role !== 'admin') await assertAdminRemains(tx, actor, before, 'demote');
    await tx.user.update({ where: { id: before.id }, data: { role: input.role } });
    // Sessions started under the old role end: the person signs in again as who they now are.
    await endUserSessions(tx, caller, before.id, 'role_change');
    await recordAudit(tx, caller, {
      action: 'user.role_change',
      targetType: 'user',
      targetId: before.id,
      changes: { role: { before: before.role, after: input.role } },
      detail: { targetEmail: before.email },
    });
    return { id: before.id, changed: true };
  });
}

export async function setUserStatus(caller: Caller, userId: string, status: unknown): Promise<{ id: string; changed: boolean }> {
  const action = status === 'active' ? 'user.enable' : 'user.disable';
  const actor = await authorize(caller, 'admin.users', { action, targetType: 'user', targetId: userId });
  const input = parseInput(ZUserStatus, { status });
  return db.$transaction(async (tx) => {
    const before = await lockUser(tx, userId);
    if (before.status === input.status) return { id: before.id, changed: false };
    if (input.status === 'disabled') await assertAdminRemains(tx, actor, before, 'disable');
    await tx.user.update({ where: { id: before.id }, data: { status: input.status } });
    if (input.status === 'disabled') await endUserSessions(tx, caller, before.id, 'disabled');
    await recordAudit(tx, caller, {
      action,
      targetType: 'user',
      targetId: before.id,
      changes: { status: { before: before.status, after: input.status } },
      detail: { targetEmail: before.email },
    });
    return { id: before.id, changed: true };
  });
}

/** A new one-time code that lets the person set (or reset) their password; any earlier code stops working. */
export async function resetInvite(caller: Caller, userId: string): Promise<IssuedInvite> {
  await authorize(caller, 'admin.users', { action: 'user.invite_reset', targetType: 'user', targetId: userId });
  const invite = newInviteCode();
  return db.$transaction(async (tx) => {
    const before = await lockUser(tx, userId);
    if (before.status !== 'active') {
      throw new InputError('This account is disabled. Enable it before issuing a new invite code.');
    }
    await tx.user.update({
      where: { id: before.id },
      data: { inviteCodeHash: invite.hash, inviteExpires: invite.expires },
    });
    await recordAudit(tx, caller, {
      action: 'user.invite_reset',
      targetType: 'user',
      targetId: before.id,
      changes: {
        inviteExpires: { before: before.hasInvite ? (before.inviteExpires?.toISOString() ?? null) : null, after: invite.expires.toISOString() },
      },
      detail: { targetEmail: before.email, replacedEarlierCode: before.hasInvite, hadPassword: before.hasPassword },
    });
    return { id: before.id, email: before.email, inviteCode: invite.code, inviteExpires: invite.expires.toISOString() };
  });
}
