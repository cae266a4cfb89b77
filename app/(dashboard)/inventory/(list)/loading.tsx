// Shown while the inventory list queries its page of secrets: header, filters, table.
import { ListPageSkeleton } from '@/components/ui/skeleton';

export default function InventoryLoading() {
  return <ListPageSkeleton label="Loading the inventory…" actions={3} filters={6} rows={10} columns={6} />;
}
