// A team's service tokens: for CI jobs and other machines that work for a team rather than
// for a person. Each token acts as its own service account, a `users` row of kind 'service'
// that is a member of the owning team with the role chosen at creation (never
// administrator), so every data-layer function scopes it by role and team exactly as it
// scopes an engineer, and every event it causes names that account and the token. A
// service account cannot sign in by any path (no password, SSO link, invitation or second
// factor: a trigger refuses them), is not listed among people, and is disabled when its
// token is revoked. Only administrators create them (there is no team-administrator role);
// revoking goes through revokeApiToken like any token.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '@/lib/audit/record';
import { newTokenText, tokenHashOf } from '@/lib/auth/api-tokens';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { InputError, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';
import { MAX_LIVE_TOKENS_PER_TEAM, ZServiceTokenCreate } from '@/lib/validation/api-tokens';
import { notWithToken, scopesFor, TOKEN_SELECT, tokenDetail, tokenRowOf, type ApiTokenRow } from './api-tokens';

const DAY_MS = 24 * 60 * 60_000;
/** Service accounts' addresses: unique, and in a domain that can never receive mail or be someone's sign-in. */
const SERVICE_EMAIL_DOMAIN = 'service-tokens.invalid';

async function teamNamed(teamId: string) {
  const team = await db.team.findUnique({ where: { id: uuidOrNil(teamId) }, select: { id: true, name: true } });
  if (!team) throw new NotFoundError('This team does not exist.');
  return team;
}

/** Creates a service token for `teamId`; the returned token text is never available again. */
export async function createServiceToken(caller: Caller, teamId: string, raw: unknown): Promise<{ tokenId: string; token: string; expiresAt: string }> {
  await authorize(caller, 'admin.users', { action: 'api_token.create', targetType: 'team', targetId: teamId });
  notWithToken(caller);
  const input = parseInput(ZServiceTokenCreate, raw);
  const allowed = scopesFor(input.role);
  if (input.scopes.some((scope) => !allowed.includes(scope))) {
    throw new InputError('Some fields need attention.', { scopes: ['The chosen role cannot use a token for that'] });
  }
  const team = await teamNamed(teamId);
  const token = newTokenText();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  const tokenId = randomUUID();
  await db.$transaction(async (tx) => {
    // One creation at a time per team, so the count below holds until the insert commits.
    await tx.$executeRaw`SELECT 1 FROM teams WHERE id = ${team.id}::uuid FOR UPDATE`;
    const live = await tx.apiToken.count({ where: { teamId: team.id, revokedAt: null, expiresAt: { gt: now } } });
    if (live >= MAX_LIVE_TOKENS_PER_TEAM) {
      throw new InputError(`${team.name} already has ${MAX_LIVE_TOKENS_PER_TEAM} live service tokens. Revoke one it no longer uses first.`);
    }
    const account = await tx.user.create({
      data: { kind: 'service', email: `service-${tokenId}@${SERVICE_EMAIL_DOMAIN}`, name: input.name, role: input.role, createdAt: now },
      select: { id: true },
    });
    await tx.teamMember.create({ data: { teamId: team.id, userId: account.id } });
    await tx.apiToken.create({
      data: {
        id: tokenId,
        kind: 'service',
        userId: account.id,
        teamId: team.id,
        name: input.name,
        tokenHash: tokenHashOf(token),
        scopes: input.scopes,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        expiresAt,
        createdAt: now,
      },
    });
    await recordAudit(tx, caller, {
      action: 'api_token.create',
      targetType: 'api_token',
      targetId: tokenId,
      detail: { ...tokenDetail(input), kind: 'service', team: team.name, role: input.role, serviceAccount: account.id },
    });
  });
  return { tokenId, token, expiresAt: expiresAt.toISOString() };
}

/** A team's live service tokens, newest first, for administrators. */
export async function listTeamServiceTokens(caller: Caller, teamId: string): Promise<ApiTokenRow[]> {
  await authorize(caller, 'admin.users', { action: 'api_token.list', targetType: 'team', targetId: teamId });
  const rows = await db.apiToken.findMany({
    where: { teamId: uuidOrNil(teamId), revokedAt: null, expiresAt: { gt: new Date() } },
    select: TOKEN_SELECT,
    orderBy: { createdAt: 'desc' },
    take: MAX_LIVE_TOKENS_PER_TEAM,
  });
  return rows.map(tokenRowOf);
}
