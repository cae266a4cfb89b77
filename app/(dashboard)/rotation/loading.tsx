// Shown while the rotation lists (and the calendar) count and query secrets: header,
// filters, the bucket tabs, a table.
import { ListPageSkeleton } from '@/components/ui/skeleton';

export default function RotationLoading() {
  return <ListPageSkeleton label="Loading rotation…" actions={1} filters={4} tabs={6} rows={8} columns={5} />;
}
