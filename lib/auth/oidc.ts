// OIDC single sign-on: which role an identity gets from its groups, and the account
// it signs in as (created on first sign-in, or linked by email to an admin-made account).
// Linking hands an existing account to whoever controls that email at the identity
// provider, so it happens only for a provider-verified email and never for an
// administrator's account (an admin links by hand, or keeps their password).
import 'server-only';
import type { Role } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import type { Caller, SessionUser } from './caller';
import { activeAdminCount, lockAdminGuard } from './admin-guard';
import { recordFailedSignIn } from './failed-sign-in';
import { roleFromGroups } from './role-mapping';
import { syncGroupTeams, teamNamesFromGroups } from './team-mapping';

export type OidcIdentity = {
  subject: string;
  email: string | null;
  /** The ID token's email_verified claim: whether the provider checked the address. */
  emailVerified: boolean;
  name: string | null;
  groups: string[];
};

export type OidcSignInResult = { ok: true; user: SessionUser } | { ok: false; reason: string };

export async function signInWithOidc(caller: Caller, identity: OidcIdentity): Promise<OidcSignInResult> {
  const e = env();
  const email = identity.email?.trim().toLowerCase() ?? null;
  const mappedRole: Role | null = roleFromGroups(identity.groups, e.OIDC_ROLE_MAP, e.OIDC_DEFAULT_ROLE);
  const refuse = async (reason: string, accountId: string | null = null) => {
    await recordFailedSignIn(caller, 'oidc', reason, email, accountId);
    return { ok: false as const, reason };
  };
  if (!email) return refuse('no_email_claim');
  if (!mappedRole) return refuse('no_role_for_groups');

  return db.$transaction(async (tx) => {
    let existing = await tx.user.findUnique({ where: { oidcSubject: identity.subject } });
    const linkedBefore = existing !== null;
    if (!existing) {
      const byEmail = await tx.user.findUnique({ where: { email } });
      if (byEmail?.kind === 'service') return refuse('service_account', byEmail.id);
      if (byEmail?.oidcSubject) return refuse('email_linked_to_other_identity', byEmail.id);
      if (byEmail && !identity.emailVerified) return refuse('email_not_verified', byEmail.id);
      if (byEmail?.role === 'admin') return refuse('admin_link_refused', byEmail.id);
      existing = byEmail;
    }
    if (existing?.status === 'disabled') return refuse('account_disabled', existing.id);
    const name = identity.name?.trim() || email;
    // Groups decide the role, except that a group change never removes the last active
    // administrator (the same guard as the Users page). Only for an identity that already
    // was that administrator: one being linked now never keeps (or gains) admin this way.
    let role: Role = mappedRole;
    let keptLastAdmin = false;
    if (linkedBefore && existing?.role === 'admin' && existing.status === 'active' && role !== 'admin') {
      await lockAdminGuard(tx);
      if ((await activeAdminCount(tx)) <= 1) {
        role = 'admin';
        keptLastAdmin = true;
      }
    }
    const account = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data: { oidcSubject: identity.subject, role, lastSignInAt: new Date() },
        })
      : await tx.user.create({ data: { email, name, role, oidcSubject: identity.subject, lastSignInAt: new Date() } });
    const user: SessionUser = { id: account.id, email: account.email, name: account.name, role: account.role };
    // Group-made team memberships follow the groups (only when a team map is configured).
    const teams = e.OIDC_TEAM_MAP ? await syncGroupTeams(tx, user.id, teamNamesFromGroups(identity.groups, e.OIDC_TEAM_MAP)) : null;
    await recordAudit(tx, caller, {
      action: 'auth.sign_in',
      targetType: 'user',
      targetId: user.id,
      detail: {
        method: 'oidc',
        created: !existing,
        ...(existing && !linkedBefore ? { linked: true } : {}),
        ...(keptLastAdmin ? { keptLastAdmin: true } : {}),
        ...(teams?.added.length ? { teamsAdded: teams.added.join(', ') } : {}),
        ...(teams?.removed.length ? { teamsRemoved: teams.removed.join(', ') } : {}),
        ...(teams?.unknown.length ? { unknownTeams: teams.unknown.join(', ') } : {}),
      },
      changes: existing && existing.role !== role ? { role: { before: existing.role, after: role } } : undefined,
      actor: user,
    });
    return { ok: true as const, user };
  });
}
