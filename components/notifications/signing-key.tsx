'use client';
// The channel's signing key, hidden until an administrator asks to see it, with how a
// receiver checks a post. The key is derived on the server, never stored.
import { useState } from 'react';
import { Button } from '@/components/ui/button';

const VERIFY_SNIPPET = `// Node.js: verify with the raw request body (before JSON parsing)
const [t, v1] = header.split(',').map((p) => p.split('=')[1]);
const expected = crypto.createHmac('sha256', SIGNING_KEY).update(\`\${t}.\${rawBody}\`).digest('hex');
const fresh = Math.abs(Date.now() / 1000 - Number(t)) < 300;
const ok = fresh && v1?.length === 64 && crypto.timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(expected, 'hex'));`;

/** `owner`: whose key this is, for the note on how it is derived (a notification channel or an audit sink). */
export function SigningKey({ signingKey, owner = 'channel' }: { signingKey: string; owner?: 'channel' | 'sink' }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <div className="flex flex-wrap items-center gap-2">
        <code className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-[13px]" data-testid="signing-key">
          {shown ? signingKey : '•'.repeat(24)}
        </code>
        <Button variant="ghost" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
          {shown ? 'Hide' : 'Show key'}
        </Button>
      </div>
      <p>
        Each post has the header <code className="font-mono text-[13px]">X-Secret-Inventory-Signature: t=&lt;unix time&gt;,v1=&lt;hex&gt;</code>, where{' '}
        <code className="font-mono text-[13px]">v1</code> is HMAC-SHA256 over <code className="font-mono text-[13px]">t</code>, a dot and the raw body, keyed
        with the text above. Refuse posts whose signature does not match or whose <code className="font-mono text-[13px]">t</code> is more than 5 minutes away
        from your clock.
      </p>
      <pre className="overflow-x-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">{VERIFY_SNIPPET}</pre>
      <p className="text-xs text-slate-500">
        The key is derived from the server’s signing key and this {owner}’s id, so it changes only if the server key does (NOTIFICATION_SIGNING_KEY, or
        NEXTAUTH_SECRET when that is unset).
      </p>
    </div>
  );
}
