'use client';
// The one time an invite code is visible, with what to do with it.
import { formatDateTime } from '@/components/format';
import { OneTimeValueBox } from '@/components/ui/one-time-value-box';

export function InviteCodeBox({ email, code, expires, inviteUrl }: { email: string; code: string; expires: string; inviteUrl: string }) {
  return (
    <OneTimeValueBox label={<>One-time invite code for {email}</>} value={code} noun="code" mono="text-base tracking-wide">
      <p className="text-sm text-slate-800">
        Give this code to <strong>{email}</strong>; they enter it at <span className="font-mono break-all">{inviteUrl}</span>. It expires in 7 days (
        {formatDateTime(expires)}) and is shown only once.
      </p>
      <p className="text-xs text-slate-600">
        Send it over a channel you trust, separately from any link. If it is lost or expires, use “Reset invite” on the Users page to issue a new one; the old
        code stops working.
      </p>
    </OneTimeValueBox>
  );
}
