'use client';
// Enter or generate a new value. The entered value lives only in this component's state
// and the one action request; after a successful write the state is cleared, so the page
// no longer holds it. Nothing here logs or stores it. (No zod here: CSP forbids eval.)
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';
import { shortVersion } from './short-version';
import { ALPHABET_NAMES, ALPHABETS, entropyBits, GENERATED_LENGTH, type AlphabetName } from '@/lib/values/alphabets';

type WriteResult =
  | { ok: true; versionId: string; writtenAt: string; warning: string | null; nextToken: string }
  | { ok: false; error: string; fieldErrors?: FieldErrors };

type Props = {
  providerName: string;
  initialToken: string;
  write: (input: Record<string, string | number>) => Promise<WriteResult>;
};

const MAX_BYTES = 64 * 1024;

export function ValueForm({ providerName, initialToken, write }: Props) {
  const router = useRouter();
  const [mode, setMode] = useState<'enter' | 'generate'>('enter');
  const [value, setValue] = useState('');
  const [revealed, setRevealed] = useState(false);
  const [alphabet, setAlphabet] = useState<AlphabetName>('symbols');
  const [length, setLength] = useState<number>(GENERATED_LENGTH.default);
  const [note, setNote] = useState('');
  const [token, setToken] = useState(initialToken);
  const [result, setResult] = useState<WriteResult | null>(null);
  const [pending, startTransition] = useTransition();
  const bytes = new TextEncoder().encode(value).length;
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input: Record<string, string | number> =
      mode === 'enter' ? { mode, note, idempotencyToken: token, value } : { mode, note, idempotencyToken: token, alphabet, length };
    startTransition(async () => {
      const outcome = await write(input);
      setResult(outcome);
      if (outcome.ok) {
        setValue('');
        setRevealed(false);
        setNote('');
        setToken(outcome.nextToken);
        router.refresh(); // the version list picks up the new version
      }
    });
  }

  return (
    <form onSubmit={submit} className="space-y-5" aria-describedby="value-form-outcome" noValidate>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">New value</legend>
        <div className="mt-2 flex flex-wrap gap-4 text-sm">
          {(['enter', 'generate'] as const).map((m) => (
            <label key={m} className="inline-flex items-center gap-2">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} className="accent-accent-600" />
              {m === 'enter' ? 'Enter a value' : 'Generate one on the server'}
            </label>
          ))}
        </div>
      </fieldset>

      {mode === 'enter' ? (
        <Field
          label="Value"
          name="value"
          required
          errors={errors.value}
          hint={`Paste or type it. Multi-line and JSON are fine. ${formatBytes(bytes)} of 64 KiB. It is sent once, to ${providerName}, and never shown again.`}
        >
          {(a11y) => (
            <div className="relative">
              <textarea
                {...a11y}
                name="value"
                rows={4}
                value={value}
                onChange={(e) => setValue(e.target.value)}
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
              {bytes > MAX_BYTES && <p className="mt-1 text-sm text-red-700">Too large: values can be at most 64 KiB.</p>}
            </div>
          )}
        </Field>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Characters" name="alphabet" errors={errors.alphabet}>
            {(a11y) => (
              <select {...a11y} name="alphabet" value={alphabet} onChange={(e) => setAlphabet(e.target.value as AlphabetName)}>
                {ALPHABET_NAMES.map((name) => (
                  <option key={name} value={name}>
                    {ALPHABETS[name].label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Length"
            name="length"
            errors={errors.length}
            hint={`${GENERATED_LENGTH.min}–${GENERATED_LENGTH.max} characters · about ${entropyBits(alphabet, clampLength(length))} bits of entropy`}
          >
            {(a11y) => (
              <input
                {...a11y}
                name="length"
                type="number"
                inputMode="numeric"
                min={GENERATED_LENGTH.min}
                max={GENERATED_LENGTH.max}
                value={Number.isNaN(length) ? '' : length}
                onChange={(e) => setLength(e.target.valueAsNumber)}
              />
            )}
          </Field>
        </div>
      )}

      <Field label="Change note" name="note" errors={errors.note} hint="Optional: why this value changes. Kept in the audit trail.">
        {(a11y) => <input {...a11y} name="note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />}
      </Field>

      <div id="value-form-outcome" aria-live="polite">
        {result &&
          (result.ok ? (
            <div className="space-y-2">
              <Alert tone="success">
                Written to {providerName}: version <code className="font-mono">{shortVersion(result.versionId)}</code> at{' '}
                <time dateTime={result.writtenAt}>{result.writtenAt.replace('T', ' ').slice(0, 19)} UTC</time>. The value was not
                kept anywhere here.
              </Alert>
              {result.warning && <Alert tone="info">{result.warning}</Alert>}
            </div>
          ) : (
            <Alert>{result.error}</Alert>
          ))}
      </div>

      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending || (mode === 'enter' && bytes > MAX_BYTES)}>
          {pending ? 'Writing…' : mode === 'enter' ? `Write to ${providerName}` : `Generate and write to ${providerName}`}
        </Button>
      </div>
    </form>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function clampLength(length: number): number {
  return Number.isFinite(length) ? Math.min(Math.max(length, GENERATED_LENGTH.min), GENERATED_LENGTH.max) : GENERATED_LENGTH.default;
}
