'use client';
// The inventory list's current view in the browser. The page renders the first view on
// the server and hands it over (no request waterfall on a first load); after that every
// change of the URL's search (a filter, a sort header, the pager, back and forward)
// fetches only that view's rows and counts from /api/inventory/rows, and the parts of the
// page that show them re-render here. The URL stays the source of truth: what is shown
// is the view for the current search, or the previous one while the next is loading.
import { useSearchParams } from 'next/navigation';
import { createContext, use, useEffect, useState } from 'react';
import type { SecretListView } from '@/lib/data/secret-list-view';

type Shown = { search: string; view: SecretListView };

const ListViewContext = createContext<{ view: SecretListView; loading: boolean } | null>(null);

async function fetchView(search: string, signal: AbortSignal): Promise<SecretListView> {
  const response = await fetch(`/api/inventory/rows?${search}`, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The inventory rows answered ${response.status}`);
  return (await response.json()) as SecretListView;
}

export function SecretListViewProvider({
  initialSearch,
  initialView,
  children,
}: {
  /** The search string the server rendered `initialView` for. */
  initialSearch: string;
  initialView: SecretListView;
  children: React.ReactNode;
}) {
  const search = useSearchParams().toString();
  const [shown, setShown] = useState<Shown>({ search: initialSearch, view: initialView });
  // The server rendered the page again (a plain link to it, a refresh after a change):
  // its view is the newest one.
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

export function useSecretListView() {
  const context = use(ListViewContext);
  if (!context) throw new Error('useSecretListView outside SecretListViewProvider');
  return context;
}
