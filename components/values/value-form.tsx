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
import { MAX_VALUE_BYTES as MAX_BYTES, MaskedValueField, valueBytes } from './masked-value-field';
import { shortVersion } from './short-version';
import { ALPHABET_NAMES, ALPHABETS, entropyBits, GENERATED_LENGTH, type AlphabetName } from '@/lib/values/alphabets';

type WriteResult =
  { ok: true; versionId: string; writtenAt: string; warning: string | null; nextToken: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

type Props = {
  providerName: string;
  initialToken: string;
  write: (input: Record<string, string | number>) => Promise<WriteResult>;
};

export function ValueForm({ providerName, initialToken, write }: Props) {
  const router = useRouter();
  const [mode, setMode] = useState<'enter' | 'generate'>('enter');
  const [value, setValue] = useState('');
  const [alphabet, setAlphabet] = useState<AlphabetName>('symbols');
  const [length, setLength] = useState<number>(GENERATED_LENGTH.default);
  const [note, setNote] = useState('');
  const [token, setToken] = useState(initialToken);
  const [result, setResult] = useState<WriteResult | null>(null);
  const [pending, startTransition] = useTransition();
  const bytes = valueBytes(value);
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
        <MaskedValueField value={value} onChange={setValue} errors={errors.value} destination={providerName} />
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
                <time dateTime={result.writtenAt}>{result.writtenAt.replace('T', ' ').slice(0, 19)} UTC</time>. The value was not kept anywhere here.
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

function clampLength(length: number): number {
  return Number.isFinite(length) ? Math.min(Math.max(length, GENERATED_LENGTH.min), GENERATED_LENGTH.max) : GENERATED_LENGTH.default;
}
