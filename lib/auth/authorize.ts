// The permission gate of the data layer. A denial is audited (outside any transaction:
// nothing else happens) and thrown as ForbiddenError.
import 'server-only';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import type { Caller, SessionUser } from './caller';
import { can, type Permission } from './permissions';

type Attempt = Pick<AuditEntry, 'action' | 'targetType' | 'targetId' | 'environment'>;

export async function authorize(caller: Caller, permission: Permission, attempt: Attempt): Promise<SessionUser> {
  if (caller.user && can(caller.user.role, permission)) return caller.user;
  await recordAudit(db, caller, {
    ...attempt,
    outcome: 'denied',
    detail: { permission, reason: caller.user ? 'missing_permission' : 'signed_out' },
  });
  throw new ForbiddenError(caller.user ? 'You do not have permission to do that.' : 'Sign in to continue.');
}
