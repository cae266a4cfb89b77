'use client';
// The one time a code or token is visible: a labelled, copyable box with what to do with
// it below. The value lives only in the caller's props; nothing stores it.
import { useId, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';

export function OneTimeValueBox({
  label,
  value,
  noun,
  mono = 'text-sm',
  children,
}: {
  label: ReactNode;
  value: string;
  noun: string;
  mono?: string;
  children: ReactNode;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard access (plain http, or denied): select the value so Ctrl+C works.
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <div className="space-y-3 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-900">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
          className={`block w-full min-w-0 rounded-md border-0 bg-white px-3 py-2 font-mono ${mono} text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-accent-600`}
        />
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
      </div>
      <p role="status" className="min-h-5 text-sm text-slate-700">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? `Copying is blocked here: the ${noun} is selected, press Ctrl+C (⌘C).` : ''}
      </p>
      {children}
    </div>
  );
}
