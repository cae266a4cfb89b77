// A connection's discovery scans, newest first: who or what started each, how it went and
// what it found. A running scan shows its progress so far (pages listed, secrets seen).
import { formatDateTime } from '@/components/format';
import { Badge, type Tone } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import type { ScanListItem } from '@/lib/data/discovery-scans';

const STATUS: Record<ScanListItem['status'], { label: string; tone: Tone }> = {
  running: { label: 'Running', tone: 'blue' },
  completed: { label: 'Completed', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

const num = 'text-right tabular-nums';
const count = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));

function duration(scan: ScanListItem): string {
  if (!scan.finishedAt) return '—';
  const seconds = Math.max(0, Math.round((Date.parse(scan.finishedAt) - Date.parse(scan.startedAt)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function ScanHistory({ scans }: { scans: ScanListItem[] }) {
  if (scans.length === 0) return <p className="text-sm text-slate-600">No scan yet.</p>;
  return (
    <Table caption="Discovery scans, newest first">
      <TableHead
        headings={[
          'Started',
          'Trigger',
          'Status',
          { label: 'Duration', className: num },
          { label: 'Pages', className: num },
          { label: 'Seen', className: num },
          { label: 'Unmanaged', className: num },
          { label: 'New', className: num },
          { label: 'Gone', className: num },
          { label: 'Throttled', className: num },
          'Error',
        ]}
      />
      <tbody className="divide-y divide-slate-100">
        {scans.map((scan) => (
          <Tr key={scan.id}>
            <Td className="whitespace-nowrap">{formatDateTime(scan.startedAt)}</Td>
            <Td>{scan.trigger === 'manual' ? `By ${scan.startedByEmail ?? 'an administrator'}` : 'Scheduled'}</Td>
            <Td>
              <Badge tone={STATUS[scan.status].tone}>{STATUS[scan.status].label}</Badge>
            </Td>
            <Td className={num}>{duration(scan)}</Td>
            <Td className={num}>{count(scan.pages)}</Td>
            <Td className={num}>{count(scan.seen)}</Td>
            <Td className={num}>{count(scan.unmanaged)}</Td>
            <Td className={num}>{count(scan.newUnmanaged)}</Td>
            <Td className={num}>{count(scan.gone)}</Td>
            <Td className={num}>{count(scan.throttled)}</Td>
            <Td className="max-w-xs whitespace-normal break-words text-red-800">{scan.error ?? ''}</Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
