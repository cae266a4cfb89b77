'use client';
// The value field: a textarea masked like a password field (so multi-line values and
// JSON can be pasted) with a Show toggle, the size against the 64 KiB limit, and no
// autocomplete, spellcheck or password-manager capture. Used by the Secrets Management
// tab and the manual rotation runbook.
import { useState } from 'react';
import { Field } from '@/components/ui/field';

export const MAX_VALUE_BYTES = 64 * 1024;

export const valueBytes = (value: string) => new TextEncoder().encode(value).length;

type Props = { value: string; onChange: (value: string) => void; errors?: string[]; destination: string; label?: string };

export function MaskedValueField({ value, onChange, errors, destination, label = 'Value' }: Props) {
  const [revealed, setRevealed] = useState(false);
  const bytes = valueBytes(value);
  return (
    <Field
      label={label}
      name="value"
      required
      errors={errors}
      hint={`Paste or type it. Multi-line and JSON are fine. ${formatBytes(bytes)} of 64 KiB. It is sent once, to ${destination}, and never shown again.`}
    >
      {(a11y) => (
        <div className="relative">
          <textarea
            {...a11y}
            name="value"
            rows={4}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            autoComplete="off"
            autoCorrect="off"
            autoCapitalize="off"
            spellCheck={false}
            data-1p-ignore
            data-lpignore="true"
            className={`${a11y.className} pr-20 font-mono ${revealed ? '' : 'masked-value'}`}
            aria-required
          />
          <button
            type="button"
            onClick={() => setRevealed((r) => !r)}
            aria-pressed={revealed}
            className="absolute right-2 top-2 rounded px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            {revealed ? 'Hide' : 'Show'}
          </button>
          {bytes > MAX_VALUE_BYTES && <p className="mt-1 text-sm text-red-700">Too large: values can be at most 64 KiB.</p>}
        </div>
      )}
    </Field>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
