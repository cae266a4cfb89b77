// Shown while the audit trail queries its events: header, filters, the event table.
import { FiltersSkeleton, HeaderSkeleton, LoadingPage, TableSkeleton } from '@/components/ui/skeleton';

export default function AuditLoading() {
  return (
    <LoadingPage label="Loading the audit trail…">
      <HeaderSkeleton actions={2} />
      <FiltersSkeleton fields={4} />
      <TableSkeleton rows={12} columns={6} />
    </LoadingPage>
  );
}
