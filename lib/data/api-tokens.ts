// Access tokens (lib/auth/api-tokens.ts checks them): a user creates tokens for their own
// use, sees the token text once, lists and revokes their own; administrators list and
// revoke anyone's, teams' service tokens included (lib/data/service-tokens.ts makes those). Only the token's SHA-256 is stored. A token acts as its user with the
// role the user has at the time of each call, narrowed to the token's scopes, so a scope
// is offered only to the roles that could use it. Tokens are managed from a browser
// session only: a call made with a token cannot create or revoke tokens.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { Role } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { newTokenText, tokenHashOf } from '@/lib/auth/api-tokens';
import { authorize } from '@/lib/auth/authorize';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import { can } from '@/lib/auth/permissions';
import { SCOPE_PERMISSIONS } from '@/lib/auth/token-scopes';
import { db } from '@/lib/db';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';
import { API_SCOPES, MAX_LIVE_TOKENS_PER_USER, ZApiTokenCreate, type ApiScope } from '@/lib/validation/api-tokens';

const DAY_MS = 24 * 60 * 60_000;

/** The scopes a user of `role` may put on a token (empty: the role has no use for a token). */
export function scopesFor(role: Role): ApiScope[] {
  return API_SCOPES.filter((scope) => SCOPE_PERMISSIONS[scope].some((permission) => can(role, permission)));
}

export type ApiTokenRow = {
  id: string;
  kind: 'personal' | 'service';
  name: string;
  scopes: string[];
  /** Its own calls per minute; null: the server's default (API_RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  /** Who it acts as: its owner, or a service token's service account (with the role it acts with). */
  user: { id: string; email: string; name: string; role: Role };
  /** The team that owns a service token. */
  team: { id: string; name: string } | null;
};

export function notWithToken(caller: Caller): void {
  if (caller.tokenId) throw new ForbiddenError('Access tokens are managed from a browser session.');
}

/** Creates a token for the caller; the returned token text is never available again. */
export async function createApiToken(caller: Caller, raw: unknown): Promise<{ tokenId: string; token: string; expiresAt: string }> {
  const user = await authorize(caller, 'account.self', { action: 'api_token.create', targetType: 'api_token' });
  notWithToken(caller);
  const input = parseInput(ZApiTokenCreate, raw);
  const allowed = scopesFor(user.role);
  const refused = input.scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length) throw new InputError('Your role cannot use a token for that.', { scopes: ['Your role cannot use a token for that'] });
  const token = newTokenText();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  const id = await db.$transaction(async (tx) => {
    // One creation at a time per user, so the count below holds until the insert commits.
    await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
    const live = await tx.apiToken.count({ where: { userId: user.id, revokedAt: null, expiresAt: { gt: now } } });
    if (live >= MAX_LIVE_TOKENS_PER_USER) {
      throw new InputError(`You already have ${MAX_LIVE_TOKENS_PER_USER} live tokens. Revoke one you no longer use first.`);
    }
    const row = await tx.apiToken.create({
      data: {
        userId: user.id,
        name: input.name,
        tokenHash: tokenHashOf(token),
        scopes: input.scopes,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        expiresAt,
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAudit(tx, caller, {
      action: 'api_token.create',
      targetType: 'api_token',
      targetId: row.id,
      detail: tokenDetail(input),
    });
    return row.id;
  });
  return { tokenId: id, token, expiresAt: expiresAt.toISOString() };
}

/** What a creation's audit event says about the token (never the token). */
export function tokenDetail(input: { name: string; scopes: string[]; expiresInDays: number; rateLimitPerMinute?: number }): Record<string, string | number> {
  return {
    name: input.name,
    scopes: input.scopes.join(','),
    expiresInDays: input.expiresInDays,
    ...(input.rateLimitPerMinute ? { rateLimitPerMinute: input.rateLimitPerMinute } : {}),
  };
}

export const TOKEN_SELECT = {
  id: true,
  kind: true,
  name: true,
  scopes: true,
  rateLimitPerMinute: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  user: { select: { id: true, email: true, name: true, role: true } },
  team: { select: { id: true, name: true } },
} as const;

type Selected = Prisma.ApiTokenGetPayload<{ select: typeof TOKEN_SELECT }>;

export function tokenRowOf(r: Selected): ApiTokenRow {
  return {
    ...r,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/** The caller's live tokens, newest first (revoked and expired ones drop off the list). */
export async function listOwnApiTokens(caller: Caller): Promise<ApiTokenRow[]> {
  const user = await authorize(caller, 'account.self', { action: 'api_token.list', targetType: 'api_token' });
  const rows = await db.apiToken.findMany({
    where: { userId: user.id, revokedAt: null, expiresAt: { gt: new Date() } },
    select: TOKEN_SELECT,
    orderBy: { createdAt: 'desc' },
    take: MAX_LIVE_TOKENS_PER_USER,
  });
  return rows.map(tokenRowOf);
}

/** Every user's and team's live tokens, for administrators (newest first, at most `limit`). */
export async function listAllApiTokens(caller: Caller, limit = 200): Promise<ApiTokenRow[]> {
  await authorize(caller, 'admin.users', { action: 'api_token.list', targetType: 'api_token' });
  const rows = await db.apiToken.findMany({
    where: { revokedAt: null, expiresAt: { gt: new Date() } },
    select: TOKEN_SELECT,
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(1, limit), 1000),
  });
  return rows.map(tokenRowOf);
}

/**
 * Revokes a token: the caller's own, or anyone's (a team's service token too) for an
 * administrator. Someone else's token is "not found" to a non-administrator (its existence
 * is not revealed); the refusal is audited. Revoking a revoked token is a no-op. A service
 * token's service account is disabled with it: it has no other use.
 */
export async function revokeApiToken(caller: Caller, tokenId: string): Promise<{ revoked: boolean }> {
  const user: SessionUser = await authorize(caller, 'account.self', { action: 'api_token.revoke', targetType: 'api_token', targetId: tokenId });
  notWithToken(caller);
  const id = uuidOrNil(tokenId);
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ user_id: string; revoked_at: Date | null; kind: 'personal' | 'service'; team: string | null }[]>`
      SELECT t.user_id, t.revoked_at, t.kind::text AS kind, (SELECT name FROM teams WHERE id = t.team_id) AS team
      FROM api_tokens t WHERE t.id = ${id}::uuid FOR UPDATE OF t`;
    const mayRevoke = row && (row.user_id === user.id || can(user.role, 'admin.users'));
    if (!mayRevoke) {
      if (row) {
        await recordAudit(db, caller, {
          action: 'api_token.revoke',
          targetType: 'api_token',
          targetId: id,
          outcome: 'denied',
          detail: { reason: 'not_owner' },
        });
      }
      throw new NotFoundError('This token does not exist.');
    }
    if (row.revoked_at) return { revoked: false };
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    if (row.kind === 'service') await tx.user.update({ where: { id: row.user_id }, data: { status: 'disabled' } });
    await recordAudit(tx, caller, {
      action: 'api_token.revoke',
      targetType: 'api_token',
      targetId: id,
      detail: row.team ? { kind: 'service', team: row.team, serviceAccount: row.user_id } : { owner: row.user_id, byAdmin: row.user_id !== user.id },
    });
    return { revoked: true };
  });
}
