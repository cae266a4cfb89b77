// Shown while the audit trail queries its events: header, filters, the event table.
import { ListPageSkeleton } from '@/components/ui/skeleton';

export default function AuditLoading() {
  return <ListPageSkeleton label="Loading the audit trail…" actions={2} filters={4} rows={12} columns={6} />;
}
