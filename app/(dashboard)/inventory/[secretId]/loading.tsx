// Shown while a secret's pages (details, rotation, Secrets Management, access) load:
// the secret header with its tabs, then two cards. Overrides the inventory list's shape.
import { CardSkeleton, HeaderSkeleton, LoadingPage, TabsSkeleton } from '@/components/ui/skeleton';

export default function SecretLoading() {
  return (
    <LoadingPage label="Loading the secret…">
      <HeaderSkeleton actions={1} />
      <TabsSkeleton tabs={4} />
      <div className="grid gap-6 lg:grid-cols-3">
        <CardSkeleton className="lg:col-span-2" lines={6} />
        <CardSkeleton lines={4} />
      </div>
    </LoadingPage>
  );
}
