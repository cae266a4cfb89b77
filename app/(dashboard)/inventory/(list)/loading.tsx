// Shown while the inventory list queries its page of secrets: header, filters, table.
import { FiltersSkeleton, HeaderSkeleton, LoadingPage, TableSkeleton } from '@/components/ui/skeleton';

export default function InventoryLoading() {
  return (
    <LoadingPage label="Loading the inventory…">
      <HeaderSkeleton actions={3} />
      <FiltersSkeleton fields={6} />
      <TableSkeleton rows={10} columns={6} />
    </LoadingPage>
  );
}
