'use client';
// The audit trail's retention period: keep forever (the default) or a number of days.
// Validation is the server's (lib/validation/audit-retention.ts); the warning below a
// year is shown as the number is typed, before anything is saved.
import { useState } from 'react';
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { WHOLE_NUMBER_INPUT } from '@/components/ui/whole-number';
import type { FieldErrors } from '@/lib/errors';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, RECOMMENDED_MIN_RETENTION_DAYS } from '@/lib/validation/audit-retention';

type SaveResult = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

const KEEP_OPTIONS = [
  {
    value: 'forever',
    title: 'Keep forever',
    text: 'No event may be purged. The purge command refuses every date.',
  },
  {
    value: 'days',
    title: 'Keep for a number of days',
    text: 'Events older than that may be purged by the operator command, which exports them first.',
  },
] as const;

export function RetentionForm({
  retentionDays,
  updatedAt,
  action,
}: {
  retentionDays: number | null;
  updatedAt: string;
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
}) {
  const { onSubmit, pending, formRef, status, field: e } = useSettingsForm({ editing: true, action });
  const [keep, setKeep] = useState<'forever' | 'days'>(retentionDays === null ? 'forever' : 'days');
  const [days, setDays] = useState(String(retentionDays ?? RECOMMENDED_MIN_RETENTION_DAYS));
  const typed = Number(days);
  const short = keep === 'days' && Number.isInteger(typed) && typed >= MIN_RETENTION_DAYS && typed < RECOMMENDED_MIN_RETENTION_DAYS;
  const keepErrors = e('keep');

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Retention period" className="max-w-xl space-y-5">
      {status}
      <input type="hidden" name="expectedUpdatedAt" value={updatedAt} />
      <fieldset aria-describedby={keepErrors ? 'keep-error' : undefined} className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Keep audit events</legend>
        {KEEP_OPTIONS.map((option) => (
          <label
            key={option.value}
            className="flex items-start gap-3 rounded-md p-3 ring-1 ring-slate-200 has-[:checked]:bg-accent-50 has-[:checked]:ring-accent-600"
          >
            <input
              type="radio"
              name="keep"
              value={option.value}
              checked={keep === option.value}
              onChange={() => setKeep(option.value)}
              className="mt-0.5 accent-accent-600"
            />
            <span className="text-sm">
              <span className="block font-medium text-slate-900">{option.title}</span>
              <span className="block text-slate-600">{option.text}</span>
            </span>
          </label>
        ))}
        {keepErrors && (
          <p id="keep-error" className="text-sm text-red-700">
            {keepErrors.join(' ')}
          </p>
        )}
      </fieldset>
      {keep === 'days' && (
        <div className="space-y-2">
          <TextField
            label="Days to keep"
            name="retentionDays"
            {...WHOLE_NUMBER_INPUT}
            required
            min={MIN_RETENTION_DAYS}
            max={MAX_RETENTION_DAYS}
            value={days}
            onChange={(event) => setDays(event.target.value)}
            className="max-w-40"
            hint={`${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS.toLocaleString('en')} days. 365 is one year; 2,555 is seven.`}
            errors={e('retentionDays')}
          />
          <p aria-live="polite" className="text-sm text-amber-800">
            {short && 'Shorter than a year. Regulators and annual audits often need at least 12 months of audit history (PCI DSS asks for 12 months).'}
          </p>
        </div>
      )}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save retention period'}
        </Button>
      </div>
    </form>
  );
}
