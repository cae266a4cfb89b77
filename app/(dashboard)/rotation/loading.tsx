// Shown while the rotation lists (and the calendar) count and query secrets: header,
// filters, the bucket tabs, a table.
import { FiltersSkeleton, HeaderSkeleton, LoadingPage, TableSkeleton, TabsSkeleton } from '@/components/ui/skeleton';

export default function RotationLoading() {
  return (
    <LoadingPage label="Loading rotation…">
      <HeaderSkeleton actions={1} />
      <FiltersSkeleton fields={4} />
      <TabsSkeleton tabs={6} />
      <TableSkeleton rows={8} columns={5} />
    </LoadingPage>
  );
}
