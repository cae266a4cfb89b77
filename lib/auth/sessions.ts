// Server-side sessions. Each sign-in makes a user_sessions row whose id rides in the
// (encrypted) session cookie; a request is signed in only while that row is live: not
// revoked, not past its absolute expiry (SESSION_MAX_AGE_MINUTES from sign-in) and used
// within SESSION_IDLE_MINUTES. Ending rows here is what makes sign-out, "sign out
// everywhere", password resets, role changes, disabling and admin revocation stick
// even for a copied cookie.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { Role } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { db, queryRows, type Tx } from '@/lib/db';
import { uuidOrNil } from '@/lib/validation/ids';
import { env } from '@/lib/env';
import type { Caller, SessionUser } from './caller';

export type SessionEndReason = 'sign_out' | 'sign_out_everywhere' | 'password_reset' | 'role_change' | 'disabled' | 'admin' | 'mfa_reset';

/** last_seen_at is written at most this often per session, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export async function startSession(caller: Caller, userId: string, method: string, now = new Date()): Promise<string> {
  const expiresAt = new Date(now.getTime() + env().SESSION_MAX_AGE_MINUTES * 60_000);
  return db.$transaction(async (tx) => {
    const row = await tx.userSession.create({
      data: {
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        ip: caller.request.ip,
        userAgent: caller.request.userAgent,
      },
      select: { id: true, user: { select: { id: true, email: true, role: true } } },
    });
    await recordAudit(tx, caller, {
      action: 'auth.session_start',
      targetType: 'session',
      targetId: row.id,
      detail: { method, expiresAt: expiresAt.toISOString() },
      actor: row.user,
    });
    return row.id;
  });
}

export type LiveSession = {
  user: SessionUser;
  /** The sign-in settings require a second factor this account has not set up yet. */
  mfaEnrolmentRequired: boolean;
};

type Row = { id: string; email: string; name: string; role: Role; last_seen_at: Date; needs_mfa: boolean };

/**
 * The user behind a session id, or null when the session has ended. One indexed query
 * (primary keys of user_sessions, users, auth_settings), plus a last-seen write at most
 * once a minute.
 */
export async function liveSession(sessionId: string, userId: string, now = new Date()): Promise<LiveSession | null> {
  const idleCutoff = new Date(now.getTime() - env().SESSION_IDLE_MINUTES * 60_000);
  const rows = await queryRows<Row>(Prisma.sql`
    SELECT u.id, u.email, u.name, u.role, s.last_seen_at,
           (u.password_hash IS NOT NULL AND u.totp_enabled_at IS NULL
             AND (a.mfa_required = 'everyone' OR (a.mfa_required = 'admins' AND u.role = 'admin'))) IS TRUE AS needs_mfa
    FROM user_sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN auth_settings a ON a.id = 1
    WHERE s.id = ${uuidOrNil(sessionId)}::uuid AND s.user_id = ${uuidOrNil(userId)}::uuid
      AND s.revoked_at IS NULL AND s.expires_at > ${now} AND s.last_seen_at > ${idleCutoff}
      AND u.status = 'active' AND u.kind = 'person'`);
  const row = rows[0];
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.$executeRaw`UPDATE user_sessions SET last_seen_at = ${now} WHERE id = ${sessionId}::uuid AND last_seen_at < ${now}`;
  }
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role },
    mfaEnrolmentRequired: row.needs_mfa,
  };
}

/** Ends one session (sign-out). Audited when it was still open. */
export async function endSession(caller: Caller, sessionId: string, reason: SessionEndReason, now = new Date()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const ended = await tx.userSession.updateManyAndReturn({
      where: { id: uuidOrNil(sessionId), revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
      select: { userId: true },
    });
    if (ended.length === 0) return false;
    await recordAudit(tx, caller, {
      action: 'auth.session_end',
      targetType: 'session',
      targetId: sessionId,
      detail: { reason, userId: ended[0].userId },
      actor: caller.user ?? { id: ended[0].userId },
    });
    return true;
  });
}

/**
 * Ends every open session of a user, inside the caller's transaction (so the change
 * that calls for it and the revocation commit together). Audited whenever `always` is
 * set or a session was open.
 */
export async function endUserSessions(
  tx: Tx,
  caller: Caller,
  userId: string,
  reason: SessionEndReason,
  options: { always?: boolean; now?: Date } = {},
): Promise<number> {
  const { count } = await tx.userSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: options.now ?? new Date(), revokedReason: reason },
  });
  if (count > 0 || options.always) {
    await recordAudit(tx, caller, {
      action: 'auth.sessions_end',
      targetType: 'user',
      targetId: userId,
      detail: { reason, sessionsEnded: count },
      ...(caller.user ? {} : { actor: { id: userId } }),
    });
  }
  return count;
}
