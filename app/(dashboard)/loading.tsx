// Shown while a dashboard page without a loading state of its own waits on its data:
// the usual shape of a page here (a header, a summary card, a table).
import { CardSkeleton, HeaderSkeleton, LoadingPage, TableSkeleton } from '@/components/ui/skeleton';

export default function DashboardLoading() {
  return (
    <LoadingPage label="Loading the page…">
      <HeaderSkeleton />
      <CardSkeleton className="mb-6" lines={2} />
      <TableSkeleton rows={6} />
    </LoadingPage>
  );
}
