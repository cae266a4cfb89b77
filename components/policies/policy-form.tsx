'use client';
// One classification's rotation defaults. Validation is the server's
// (lib/validation/policy.ts): its per-field messages appear under each field.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { WHOLE_NUMBER_INPUT } from '@/components/ui/whole-number';
import type { FieldErrors } from '@/lib/errors';

type SaveResult = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

export type PolicyFormValues = {
  classification: string;
  label: string;
  intervalDays: number;
  graceHours: number;
  reminderDays: number;
  requireApproval: boolean;
  updatedAt: string;
};

/** The three numbers of a policy, within the bounds of lib/validation/policy-fields.ts. */
const NUMBERS = [
  { name: 'intervalDays', label: 'Rotate every (days)', min: 1, max: 3650 },
  { name: 'graceHours', label: 'Grace period (hours)', min: 0, max: 720 },
  { name: 'reminderDays', label: 'Remind before (days)', min: 0, max: 365 },
] as const;

export function PolicyForm({ policy, action }: { policy: PolicyFormValues; action: (input: Record<string, string | string[]>) => Promise<SaveResult> }) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, error, fieldErrors } = useActionForm(
    (values) => {
      setSaved(false);
      return action(values);
    },
    () => {
      setSaved(true);
      router.refresh();
    },
  );
  const e = (field: string) => fieldErrors[field];
  return (
    <form onSubmit={onSubmit} noValidate aria-label={`${policy.label} defaults`} className="space-y-4" id={`policy-${policy.classification}`}>
      {error && <Alert>{error}</Alert>}
      {saved && !error && <Alert tone="success">Saved. New defaults apply to secrets without their own values.</Alert>}
      <input type="hidden" name="expectedUpdatedAt" value={policy.updatedAt} />
      <div className="grid gap-4 sm:grid-cols-3">
        {NUMBERS.map((n) => (
          <PolicyNumber
            key={n.name}
            id={`${policy.classification}-${n.name}`}
            label={n.label}
            name={n.name}
            defaultValue={policy[n.name]}
            min={n.min}
            max={n.max}
            errors={e(n.name)}
          />
        ))}
      </div>
      <div className="flex items-start gap-3">
        <input
          id={`${policy.classification}-requireApproval`}
          name="requireApproval"
          type="checkbox"
          defaultChecked={policy.requireApproval}
          aria-describedby={`${policy.classification}-requireApproval-hint`}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-600 focus:ring-accent-600"
        />
        <div>
          <label htmlFor={`${policy.classification}-requireApproval`} className="text-sm font-medium text-slate-800">
            Two-person rule in production
          </label>
          <p id={`${policy.classification}-requireApproval-hint`} className="text-xs text-slate-600">
            Value writes and rotations of these secrets in production wait until a second engineer of the owning team or an administrator approves the request.
            Scheduled and emergency rotations are not held up.
          </p>
        </div>
      </div>
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : `Save ${policy.label.toLowerCase()} defaults`}
        </Button>
      </div>
    </form>
  );
}

/** Like TextField, but with an id per form: TextField derives ids from names, which the three forms share. */
function PolicyNumber({
  id,
  label,
  name,
  defaultValue,
  min,
  max,
  errors,
}: {
  id: string;
  label: string;
  name: string;
  defaultValue: number;
  min: number;
  max: number;
  errors?: string[];
}) {
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        {...WHOLE_NUMBER_INPUT}
        required
        min={min}
        max={max}
        defaultValue={defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errorId}
        className={errors?.length ? controlClass.replace('ring-slate-300', 'ring-red-600') : controlClass}
      />
      {errors?.length ? (
        <p id={errorId} className="text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}
