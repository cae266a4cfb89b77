'use client';
// The Audit page's current view in the browser, as the Inventory's list does it
// (components/inventory/list-view.tsx): the page renders the first view on the server and
// hands it over; after that every change of the URL's search (a filter, the pager, back
// and forward) fetches only that view from /api/audit/events, and the parts of the page
// that show it (components/audit/list-sections.tsx) re-render here. The chain status and
// retention line above them stay as the server rendered them. A malformed filter answers
// 400 with its problems, which is a view too: the alert and the fields' messages.
import { useSearchParams } from 'next/navigation';
import { createContext, use, useEffect, useState } from 'react';
import type { AuditListView } from '@/lib/data/audit-list-view';

type Shown = { search: string; view: AuditListView };

const ListViewContext = createContext<{ view: AuditListView; loading: boolean } | null>(null);

async function fetchView(search: string, signal: AbortSignal): Promise<AuditListView> {
  const response = await fetch(`/api/audit/events?${search}`, { signal, headers: { accept: 'application/json' } });
  if (!response.ok && response.status !== 400) throw new Error(`The audit events answered ${response.status}`);
  return (await response.json()) as AuditListView;
}

export function AuditListViewProvider({
  initialSearch,
  initialView,
  children,
}: {
  /** The search string the server rendered `initialView` for. */
  initialSearch: string;
  initialView: AuditListView;
  children: React.ReactNode;
}) {
  const search = useSearchParams().toString();
  const [shown, setShown] = useState<Shown>({ search: initialSearch, view: initialView });
  // The server rendered the page again (a plain link to it, the same filters submitted
  // again): its view is the newest one.
  const [rendered, setRendered] = useState(initialView);
  if (rendered !== initialView) {
    setRendered(initialView);
    setShown({ search: initialSearch, view: initialView });
  }

  useEffect(() => {
    if (shown.search === search) return;
    const controller = new AbortController();
    fetchView(search, controller.signal).then(
      (view) => setShown({ search, view }),
      () => {
        // Signed out meanwhile, or the server failed: load the page itself, which signs in
        // again or shows the dashboard's error page.
        if (!controller.signal.aborted) window.location.assign(window.location.href);
      },
    );
    return () => controller.abort();
  }, [search, shown.search]);

  return <ListViewContext value={{ view: shown.view, loading: shown.search !== search }}>{children}</ListViewContext>;
}

export function useAuditListView() {
  const context = use(ListViewContext);
  if (!context) throw new Error('useAuditListView outside AuditListViewProvider');
  return context;
}
