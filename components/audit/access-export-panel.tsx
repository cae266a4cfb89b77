'use client';
// The audit page's provider access-history export: its own filters (the provider's logs
// know principals and event names, not dashboard actors and actions), prefilled from the
// audit filters that map, and the CSV / JSON Lines buttons for exactly those filters.
import { useState } from 'react';
import { controlClass } from '@/components/ui/field';
import { ExportButtons } from './export-buttons';
import { accessExportLinks } from './export-links';

const FIELDS = ['from', 'to', 'environment', 'secret', 'principal', 'action'] as const;
type Filters = Partial<Record<(typeof FIELDS)[number], string>>;

const EVENT_NAMES = ['GetSecretValue', 'BatchGetSecretValue', 'PutSecretValue', 'RotateSecret', 'DeleteSecret', 'AccessSecretVersion', 'AddSecretVersion'];

function Input({ id, label, hint, ...input }: { id: string; label: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} className={controlClass} {...input} />
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
    </div>
  );
}

export function AccessExportPanel({ initial, environments }: { initial: Filters; environments: string[] }) {
  const [filters, setFilters] = useState<Filters>(initial);
  const bind = (name: (typeof FIELDS)[number]) => ({
    name,
    value: filters[name] ?? '',
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setFilters({ ...filters, [name]: e.target.value }),
  });
  const query = new URLSearchParams(FIELDS.flatMap((k) => (filters[k]?.trim() ? [[k, filters[k].trim()]] : []))).toString();

  return (
    <details className="mb-5 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-900">Export provider access history</summary>
      <div className="border-t border-slate-200 p-4">
        <p className="mb-3 text-sm text-slate-700">
          Who called the secret APIs at AWS and GCP (from CloudTrail and Cloud Audit Logs), oldest first. Never a value.
        </p>
        <div role="group" aria-label="Access history filters" className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <Input id="a-from" label="From (UTC)" type="date" {...bind('from')} />
          <Input id="a-to" label="To (UTC, inclusive)" type="date" {...bind('to')} />
          <Input id="a-environment" label="Environment" list="a-environments" autoComplete="off" {...bind('environment')} />
          <datalist id="a-environments">
            {environments.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
          <Input id="a-secret" label="Secret id" spellCheck={false} className={`${controlClass} font-mono`} {...bind('secret')} />
          <Input
            id="a-principal"
            label="Principal"
            hint="Exactly as logged: an IAM ARN or a service-account email."
            spellCheck={false}
            {...bind('principal')}
          />
          <Input id="a-action" label="Provider event" list="a-event-names" autoComplete="off" {...bind('action')} />
          <datalist id="a-event-names">
            {EVENT_NAMES.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
        </div>
        <ExportButtons links={accessExportLinks(query)} />
      </div>
    </details>
  );
}
