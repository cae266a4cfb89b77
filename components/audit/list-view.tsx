'use client';
// The Audit page's views, as the Inventory's list does it: the first rendered by the page,
// every later one fetched from /api/audit/events (components/ui/fetched-view.tsx). The
// chain status and retention line above them stay as the server rendered them. A malformed
// filter answers 400 with its problems, which is a view too: the alert and the fields'
// messages.
import { FetchedViewProvider, useFetchedView } from '@/components/ui/fetched-view';
import type { AuditListView } from '@/lib/data/audit-list-view';

const ROUTE = '/api/audit/events';
const VIEW_STATUSES = [400];

export function AuditListViewProvider(props: { initialSearch: string; initialView: AuditListView; children: React.ReactNode }) {
  return <FetchedViewProvider route={ROUTE} viewStatuses={VIEW_STATUSES} {...props} />;
}

export const useAuditListView = () => useFetchedView<AuditListView>(ROUTE);
