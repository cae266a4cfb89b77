'use client';
// Buttons and small forms for a person's rotation steps. Each calls one server action and
// shows its outcome beside it; the page then reloads its data.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Failure, useStep, type Outcome } from '@/components/forms/use-step';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { MaskedValueField, MAX_VALUE_BYTES, valueBytes } from '@/components/values/masked-value-field';

/** A single confirmed step: "Rotate now", "Roll back", "I revoked the old key"… */
export function StepButton({
  label,
  pendingLabel,
  act,
  variant = 'primary',
  confirm,
}: {
  label: string;
  pendingLabel: string;
  act: () => Promise<Outcome>;
  variant?: 'primary' | 'secondary' | 'danger';
  confirm?: string;
}) {
  const { outcome, pending, run } = useStep();
  return (
    <div className="space-y-2">
      <Button variant={variant} disabled={pending} onClick={() => (!confirm || window.confirm(confirm)) && run(act)}>
        {pending ? pendingLabel : label}
      </Button>
      <Failure outcome={outcome} />
    </div>
  );
}

/** Manual runbook: enter the key created at the vendor. Cleared once written. */
export function RunbookValueForm({ destination, act }: { destination: string; act: (input: { value: string }) => Promise<Outcome> }) {
  const [value, setValue] = useState('');
  const { outcome, pending, submit, fieldErrors: errors } = useStep();
  const clearWhenWritten = (o: Outcome) => o.ok && setValue('');
  return (
    <form className="space-y-3" onSubmit={submit(() => act({ value }), clearWhenWritten)}>
      <MaskedValueField label="New key" value={value} onChange={setValue} errors={errors.value} destination={destination} />
      <Failure outcome={outcome} />
      <Button type="submit" disabled={pending || valueBytes(value) > MAX_VALUE_BYTES}>
        {pending ? 'Writing…' : 'Write the new key'}
      </Button>
    </form>
  );
}

/** "Mark compromised": a reason, an optional grace period, and a clear warning. */
export function MarkCompromisedForm({
  act,
  initialReason = '',
  leakFindingId,
}: {
  act: (input: { reason: string; graceHours: string; leakFindingId?: string }) => Promise<Outcome & { incidentId?: string }>;
  /** Prefilled when the form is opened from a leak-check finding, which the incident then names. */
  initialReason?: string;
  leakFindingId?: string;
}) {
  const router = useRouter();
  const [reason, setReason] = useState(initialReason);
  const [graceHours, setGraceHours] = useState('');
  const { outcome, pending, submit, fieldErrors: errors } = useStep();
  const openIncident = (o: Outcome) => {
    const id = (o as { incidentId?: string }).incidentId;
    if (o.ok && id) router.push(`${window.location.pathname.replace(/\/rotation$/, '')}/incidents/${id}`);
  };
  return (
    <form className="space-y-3" onSubmit={submit(() => act({ reason, graceHours, ...(leakFindingId ? { leakFindingId } : {}) }), openIncident)}>
      <Field label="What happened" name="reason" required errors={errors.reason}>
        {(a11y) => <textarea {...a11y} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <Field
        label="Grace period (hours)"
        name="graceHours"
        errors={errors.graceHours}
        hint="Leave empty for none: the leaked value stops working as soon as the new one is current."
      >
        {(a11y) => <input {...a11y} name="graceHours" inputMode="numeric" value={graceHours} onChange={(e) => setGraceHours(e.target.value)} />}
      </Field>
      <Failure outcome={outcome} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? 'Starting the emergency rotation…' : 'Mark compromised and rotate now'}
      </Button>
    </form>
  );
}

/** One checklist step of an incident: an optional note and "Done". */
export function IncidentStepForm({ act }: { act: (input: { note: string }) => Promise<Outcome> }) {
  const [note, setNote] = useState('');
  const { outcome, pending, submit } = useStep();
  return (
    <form className="flex flex-wrap items-start gap-2" onSubmit={submit(() => act({ note }))}>
      <input
        aria-label="Note (optional)"
        placeholder="Note (optional)"
        value={note}
        maxLength={500}
        onChange={(e) => setNote(e.target.value)}
        className="min-w-48 flex-1 rounded-md border-0 px-3 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-accent-600"
      />
      <Button type="submit" variant="secondary" className="py-1.5" disabled={pending}>
        {pending ? 'Saving…' : 'Mark done'}
      </Button>
      <Failure outcome={outcome} />
    </form>
  );
}
