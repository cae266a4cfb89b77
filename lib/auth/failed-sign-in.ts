// The audit event of a refused sign-in, alike for every method: the account, when one was
// found, is actor and target; the email is the one typed or claimed.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import type { Caller } from './caller';

export async function recordFailedSignIn(
  caller: Caller,
  method: 'password' | 'oidc',
  reason: string,
  email: string | null,
  accountId: string | null,
): Promise<void> {
  await recordAudit(db, caller, {
    action: 'auth.sign_in',
    outcome: 'failed',
    targetType: 'user',
    targetId: accountId ?? undefined,
    detail: { method, reason },
    actor: { id: accountId, email },
  });
}
