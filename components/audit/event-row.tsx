'use client';
import Link from 'next/link';
import { useState } from 'react';
import { formatDateTime } from '@/components/format';
import { RoleBadge } from '@/components/users/role-badge';
import { Badge, type Tone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { Td } from '@/components/ui/table';
import type { AuditEventItem } from '@/lib/data/audit-events';

const OUTCOME: Record<AuditEventItem['outcome'], { tone: Tone; label: string }> = {
  success: { tone: 'green', label: 'Success' },
  denied: { tone: 'amber', label: 'Denied' },
  failed: { tone: 'red', label: 'Failed' },
};

/** The target's type, then its name linked to its page (the id on hover), else its id. */
function Target({ type, id, target }: { type: string | null; id: string | null; target: AuditEventItem['target'] }) {
  if (!type && !id) return <span className="text-slate-500">—</span>;
  const named = target && id;
  return (
    <div className="min-w-0">
      {type && <span className="block text-xs text-slate-600">{type}</span>}
      {named &&
        (target.href ? (
          <Link href={target.href} className="block max-w-56 break-words text-accent-700 underline" title={id}>
            {target.name}
          </Link>
        ) : (
          <span className="block max-w-56 break-words" title={id}>
            {target.name}
          </span>
        ))}
      {!named && id && (
        <span className="block max-w-40 truncate font-mono text-xs" title={id}>
          {id}
        </span>
      )}
    </div>
  );
}

function Value({ text }: { text: string | null }) {
  if (text === null) return <span className="text-slate-500 italic">none</span>;
  if (text === '') return <span className="text-slate-500 italic">empty</span>;
  return <span className="font-mono break-all whitespace-pre-wrap">{text}</span>;
}

/** One event: its summary row and, when expanded, a row with everything else. */
export function AuditEventRow({ event }: { event: AuditEventItem }) {
  const [open, setOpen] = useState(false);
  const detailId = `event-${event.id}-detail`;
  const outcome = OUTCOME[event.outcome];
  return (
    <tbody className="border-t border-slate-100 first-of-type:border-t-0">
      <tr className={cn('hover:bg-slate-50', open && 'bg-slate-50')}>
        <Td className="py-2">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={detailId}
            onClick={() => setOpen(!open)}
            className="rounded p-1 text-slate-600 hover:bg-slate-200 hover:text-slate-900"
          >
            <svg aria-hidden viewBox="0 0 20 20" className={cn('h-4 w-4 transition-transform', open && 'rotate-90')} fill="currentColor">
              <path d="M7.2 4.2a1 1 0 0 1 1.4 0l5.1 5.1a1 1 0 0 1 0 1.4l-5.1 5.1a1 1 0 1 1-1.4-1.4L11.6 10 7.2 5.6a1 1 0 0 1 0-1.4Z" />
            </svg>
            <span className="sr-only">
              {open ? 'Hide' : 'Show'} details of event {event.id}
            </span>
          </button>
        </Td>
        <Td className="whitespace-nowrap font-mono text-xs">{formatDateTime(event.occurredAt).replace(' UTC', '')}</Td>
        <Td>
          {event.actor.email ? (
            <div className="flex flex-col items-start gap-1">
              <span className="block max-w-56 break-words">{event.actor.email}</span>
              {event.actor.role && <RoleBadge role={event.actor.role} />}
            </div>
          ) : (
            <span className="text-slate-500">Signed out</span>
          )}
        </Td>
        <Td className="font-mono text-xs whitespace-nowrap">{event.action}</Td>
        <Td>
          <Target type={event.targetType} id={event.targetId} target={event.target} />
        </Td>
        <Td>{event.environment ?? <span className="text-slate-500">—</span>}</Td>
        <Td>
          <Badge tone={outcome.tone}>{outcome.label}</Badge>
        </Td>
        <Td className="font-mono text-xs whitespace-nowrap">{event.ip ?? '—'}</Td>
      </tr>
      <tr id={detailId} hidden={!open} className="bg-slate-50">
        <td colSpan={8} className="px-4 pt-1 pb-4">
          <div className="grid gap-4 rounded-md bg-white p-4 ring-1 ring-slate-200 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
              <dt className="text-slate-600">Event</dt>
              <dd className="font-mono text-xs">#{event.id}</dd>
              <dt className="text-slate-600">User agent</dt>
              <dd className="break-all text-xs">{event.userAgent ?? '—'}</dd>
              <dt className="text-slate-600">Request id</dt>
              <dd className="font-mono text-xs break-all">{event.requestId ?? '—'}</dd>
              {event.targetId && (
                <>
                  <dt className="text-slate-600">Target id</dt>
                  <dd className="font-mono text-xs break-all">{event.targetId}</dd>
                </>
              )}
              {event.actor.id && (
                <>
                  <dt className="text-slate-600">Actor id</dt>
                  <dd className="font-mono text-xs break-all">{event.actor.id}</dd>
                </>
              )}
              {event.detail.map((d) => (
                <div key={d.key} className="contents">
                  <dt className="text-slate-600">{d.key}</dt>
                  <dd className="font-mono text-xs break-all">{d.value}</dd>
                </div>
              ))}
            </dl>
            <div>
              <h3 className="mb-1.5 text-sm font-medium text-slate-800">Changes</h3>
              {event.changes.length === 0 ? (
                <p className="text-sm text-slate-500">No field changes recorded.</p>
              ) : (
                <table className="w-full text-xs">
                  <caption className="sr-only">Changed fields, before and after</caption>
                  <thead>
                    <tr className="text-left text-slate-600">
                      {['Field', 'Before', 'After'].map((label) => (
                        <th key={label} scope="col" className="pr-3 pb-1 font-medium last:pr-0">
                          {label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="align-top">
                    {event.changes.map((c) => (
                      <tr key={c.field} className="border-t border-slate-100">
                        <th scope="row" className="py-1 pr-3 text-left font-medium whitespace-nowrap text-slate-800">
                          {c.field}
                        </th>
                        <td className="py-1 pr-3 text-red-900">
                          <Value text={c.before} />
                        </td>
                        <td className="py-1 text-emerald-900">
                          <Value text={c.after} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
        </td>
      </tr>
    </tbody>
  );
}
