'use client';
// The one time an invite code is visible: a labelled, copyable box with what to do
// with it. The code lives only in this component's props; nothing stores it.
import { useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/components/format';

export function InviteCodeBox({ email, code, expires, inviteUrl }: { email: string; code: string; expires: string; inviteUrl: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      // No clipboard access (plain http, or denied): select the code so Ctrl+C works.
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <div className="space-y-3 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-900">
        One-time invite code for {email}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={code}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
          className="block w-full min-w-0 rounded-md border-0 bg-white px-3 py-2 font-mono text-base tracking-wide text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-accent-600"
        />
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
      </div>
      <p role="status" className="min-h-5 text-sm text-slate-700">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying is blocked here: the code is selected, press Ctrl+C (⌘C).' : ''}
      </p>
      <p className="text-sm text-slate-800">
        Give this code to <strong>{email}</strong>; they enter it at <span className="font-mono break-all">{inviteUrl}</span>. It expires in 7 days (
        {formatDateTime(expires)}) and is shown only once.
      </p>
      <p className="text-xs text-slate-600">
        Send it over a channel you trust, separately from any link. If it is lost or expires, use “Reset invite” on the Users page to issue a new one; the old
        code stops working.
      </p>
    </div>
  );
}
