// The Overview's "Held by stragglers": rotations whose grace period ended with consumers
// still on the old value and whose policy holds the retirement, with links to their
// Rotation tab (where the owning team sees who and may retire the old value now).
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import type { HeldRotation } from '@/lib/data/rotation-views';

export function HeldRotations({ items }: { items: HeldRotation[] }) {
  return (
    <section aria-labelledby="held-heading" className="mb-6 rounded-lg bg-white shadow-sm ring-1 ring-amber-200">
      <h2 id="held-heading" className="border-b border-amber-100 px-5 py-3 text-sm font-semibold text-amber-900">
        Held by stragglers
      </h2>
      <div className="space-y-3 p-5">
        <p className="text-sm text-slate-700">
          These rotations&apos; grace periods ended with consumers still on the old value, so it keeps working until they move or someone retires it.
        </p>
        <Table caption="Rotations held by consumers still on the old value, newest first">
          <TableHead headings={['Secret', 'Team', 'Still on the old value', 'Held since']} />
          <tbody className="divide-y divide-slate-100">
            {items.map((h) => (
              <Tr key={h.runId}>
                <Td>
                  <Link href={`/inventory/${h.secret.id}/rotation`} className="font-medium text-accent-700 hover:underline">
                    {h.secret.name}
                  </Link>
                  <span className="block text-xs text-slate-500">{h.secret.environment}</span>
                </Td>
                <Td>{h.secret.ownerTeam.name}</Td>
                <Td>
                  {h.stragglers.join(', ')}
                  {h.stragglerCount > h.stragglers.length ? ` and ${h.stragglerCount - h.stragglers.length} more` : ''}
                  {h.stragglerCount === 0 ? <span className="text-slate-500">None now: retired at the next check</span> : null}
                </Td>
                <Td className="whitespace-nowrap">{formatDateTime(h.heldAt)}</Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
