// Shown while the Orphans report counts its sections and reads a page: header (with the window choice), the tabs, a table.
import { HeaderSkeleton, LoadingPage, TableSkeleton, TabsSkeleton } from '@/components/ui/skeleton';

export default function OrphansLoading() {
  return (
    <LoadingPage label="Loading orphans…">
      <HeaderSkeleton actions={1} />
      <TabsSkeleton tabs={4} />
      <TableSkeleton rows={8} columns={6} />
    </LoadingPage>
  );
}
