// The grace period's consumers: who has moved to the new value and the evidence for it,
// what holds the retirement, and undeclared readers still on the old value (a finding).
// For alternating users it names the active user and the one being retired. Server-rendered;
// the "Retire the old value now" button comes from the page (it binds the action).
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import type { AdoptionConsumer, RunAdoption } from '@/lib/data/rotation-adoption';
import { ADOPTION_STATUS_LABELS, ADOPTION_STATUS_TONES } from './labels';

const POLICY_WORDS: Record<RunAdoption['policy'], string> = {
  retire: 'If some have not moved when it ends, the old value is retired anyway.',
  extend_once: 'If some have not moved when it ends, the grace period is extended once.',
  hold: 'If some have not moved when it ends, the retirement is held and the owning team is notified.',
};

/** "Active user: orders_app_b (new) · retiring orders_app_a". */
export function ActiveUserLine({ adoption }: { adoption: Pick<RunAdoption, 'newUser' | 'retiringUser'> }) {
  if (!adoption.newUser) return null;
  return (
    <p className="text-slate-700">
      Active user: <code className="font-mono text-[13px]">{adoption.newUser}</code> (new)
      {adoption.retiringUser ? (
        <>
          {' '}
          · retiring <code className="font-mono text-[13px]">{adoption.retiringUser}</code>
        </>
      ) : null}
    </p>
  );
}

/** A held retirement: who holds it, and (for those who may rotate) the way out. */
export function HeldBanner({ adoption, action }: { adoption: Pick<RunAdoption, 'heldAt' | 'stragglers'>; action?: React.ReactNode }) {
  if (!adoption.heldAt) return null;
  return (
    <div role="status" className="space-y-2 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
      <p className="font-medium">Retirement held since {formatDateTime(adoption.heldAt)}: consumers still use the old value.</p>
      {adoption.stragglers.length ? (
        <p>
          Still on the old value: <strong>{adoption.stragglers.join(', ')}</strong>. The old value keeps working until they move (it is then retired at once) or
          someone retires it now.
        </p>
      ) : (
        <p>They have all moved now: the old value is retired at the worker&apos;s next check.</p>
      )}
      {action}
    </div>
  );
}

export function ExtendedNote({ adoption }: { adoption: Pick<RunAdoption, 'graceExtendedAt' | 'graceEndsAt' | 'heldAt'> }) {
  if (!adoption.graceExtendedAt || adoption.heldAt) return null;
  return (
    <p role="status" className="rounded-md bg-accent-50 px-4 py-3 text-sm text-accent-800 ring-1 ring-inset ring-accent-100">
      The grace period was extended once on {formatDateTime(adoption.graceExtendedAt)} for consumers still on the old value: it now ends{' '}
      <strong>{formatDateTime(adoption.graceEndsAt)}</strong>. If some still have not moved then, the old value is retired anyway.
    </p>
  );
}

function EvidenceCell({ consumer, systemHref }: { consumer: AdoptionConsumer; systemHref: string | null }) {
  if (consumer.status === 'unobservable') {
    return (
      <span className="text-slate-600">
        Nothing names it in the evidence:{' '}
        {systemHref ? (
          <Link href={systemHref} className="text-accent-700 underline">
            add its identities on the system page
          </Link>
        ) : (
          'add its identities on the system page'
        )}
        .
      </span>
    );
  }
  if (!consumer.checked) return <span className="text-slate-500">Not checked yet.</span>;
  const when = consumer.status === 'moved' && consumer.movedAt ? `Moved ${formatDateTime(consumer.movedAt)}` : null;
  const lastOld = consumer.status === 'on_old' && consumer.oldSeenAt ? `Last seen on the old value ${formatDateTime(consumer.oldSeenAt)}` : null;
  return (
    <span className="text-slate-700">
      {consumer.evidenceText ?? (consumer.status === 'waiting' ? 'Not seen since the new value was promoted.' : null)}
      {when || lastOld ? <span className="block text-xs text-slate-500">{when ?? lastOld}</span> : null}
    </span>
  );
}

/** The consumers table and the finding, with what the policy does at the end of grace. */
export function ConsumersPanel({ adoption }: { adoption: RunAdoption }) {
  const undeclaredOnOld = adoption.consumers.filter((c) => !c.declared && c.status === 'on_old');
  const declared = adoption.consumers.filter((c) => c.declared);
  const moved = declared.filter((c) => c.status === 'moved').length;
  return (
    <section aria-labelledby="consumers-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="consumers-heading" className="text-sm font-semibold text-slate-900">
          Consumers
        </h3>
        <p className="text-xs text-slate-500">
          {declared.length ? `${moved} of ${declared.length} declared moved` : 'No declared consumers'}
          {adoption.checkedAt ? ` · checked ${formatDateTime(adoption.checkedAt)}` : ' · not checked yet'}
        </p>
      </div>
      {undeclaredOnOld.length > 0 && (
        <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-inset ring-red-200">
          <p className="font-medium">
            Finding: {undeclaredOnOld.length === 1 ? 'an undeclared reader still uses' : 'undeclared readers still use'} the old value
          </p>
          <p>
            {undeclaredOnOld.map((c) => c.label).join(', ')}: no system of this secret declares {undeclaredOnOld.length === 1 ? 'it' : 'them'}. Find the owner,
            move it to the new value, and declare it as a consumer (with its identities) so the next rotation sees it.
          </p>
        </div>
      )}
      {adoption.consumers.length === 0 ? (
        <p className="text-sm text-slate-600">
          This secret declares no consuming systems, and no one has been seen using it. Declare its consumers (Edit → Usage) so a rotation can tell when they
          have moved; until then the old value is retired when the grace period ends.
        </p>
      ) : (
        <Table caption="Consumers of this secret and whether they moved to the new value">
          <TableHead headings={['Consumer', 'Declared', 'Status', 'Evidence']} />
          <tbody className="divide-y divide-slate-100">
            {adoption.consumers.map((c) => (
              <Tr key={c.key}>
                <Td className="font-medium text-slate-900">{c.label}</Td>
                <Td>{c.declared ? 'Declared' : <span className="text-red-800">Not declared</span>}</Td>
                <Td className="whitespace-nowrap">
                  <Badge tone={ADOPTION_STATUS_TONES[c.status]}>{ADOPTION_STATUS_LABELS[c.status]}</Badge>
                </Td>
                <Td>
                  <EvidenceCell consumer={c} systemHref={c.systemId ? `/systems/${c.systemId}` : null} />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      <p className="text-xs text-slate-500">
        The old value is retired as soon as every declared consumer has moved.{adoption.heldAt ? null : ` ${POLICY_WORDS[adoption.policy]}`}
      </p>
    </section>
  );
}
