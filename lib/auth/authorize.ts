// The permission gate of the data layer. A denial is audited (outside any transaction:
// nothing else happens) and thrown as ForbiddenError. A signed-in caller's denial is an
// event of its own; signed-out callers' are aggregated per address and minute
// (lib/audit/signed-out-denials.ts), so a loop of anonymous requests cannot fill the trail.
import 'server-only';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { recordSignedOutDenial } from '@/lib/audit/signed-out-denials';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import type { Caller, SessionUser } from './caller';
import type { Permission } from './permissions';
import { callerCan, scopesAllow } from './token-scopes';

type Attempt = Pick<AuditEntry, 'action' | 'targetType' | 'targetId' | 'environment'>;

export async function authorize(caller: Caller, permission: Permission, attempt: Attempt): Promise<SessionUser> {
  if (caller.user && callerCan(caller, permission)) return caller.user;
  const scoped = !caller.tokenScopes || scopesAllow(caller.tokenScopes, permission);
  if (!caller.user) {
    await recordSignedOutDenial(caller, { ...attempt, outcome: 'denied', detail: { permission, reason: 'signed_out' } });
    throw new ForbiddenError('Sign in to continue.');
  }
  if (!scoped) {
    await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission, reason: 'token_scope' } });
    throw new ForbiddenError('This access token is not allowed to do that: none of its scopes grants it.');
  }
  await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission, reason: 'missing_permission' } });
  throw new ForbiddenError('You do not have permission to do that.');
}
