'use client';
// A list page's current view in the browser (the Inventory's list, the Audit page). The
// page renders the first view on the server and hands it over (no request waterfall on a
// first load); after that every change of the URL's search (a filter, a sort header, the
// pager, back and forward) fetches only that view from the page's JSON route, and the
// parts of the page that show it re-render from this context. The URL stays the source
// of truth: what is shown is the view for the current search, or the previous one while
// the next is loading.
import { useSearchParams } from 'next/navigation';
import { createContext, use, useEffect, useState } from 'react';

type Shown = { search: string; view: unknown };
type Context = { route: string; view: unknown; loading: boolean };

const FetchedViewContext = createContext<Context | null>(null);

/** One array for every provider without view statuses: a new one per render would restart the fetch effect. */
const NO_VIEW_STATUSES: number[] = [];

async function fetchView(route: string, search: string, viewStatuses: number[], signal: AbortSignal): Promise<unknown> {
  const response = await fetch(`${route}?${search}`, { signal, headers: { accept: 'application/json' } });
  if (!response.ok && !viewStatuses.includes(response.status)) throw new Error(`${route} answered ${response.status}`);
  return response.json();
}

export function FetchedViewProvider({
  route,
  viewStatuses = NO_VIEW_STATUSES,
  initialSearch,
  initialView,
  children,
}: {
  /** The JSON route answering a search string with its view. */
  route: string;
  /** Statuses other than 2xx whose body is a view too (the Audit page's 400: a malformed filter's problems). */
  viewStatuses?: number[];
  /** The search string the server rendered `initialView` for. */
  initialSearch: string;
  initialView: unknown;
  children: React.ReactNode;
}) {
  const search = useSearchParams().toString();
  const [shown, setShown] = useState<Shown>({ search: initialSearch, view: initialView });
  // The server rendered the page again (a plain link to it, a refresh after a change, the
  // same filters submitted again): its view is the newest one.
  const [rendered, setRendered] = useState(initialView);
  if (rendered !== initialView) {
    setRendered(initialView);
    setShown({ search: initialSearch, view: initialView });
  }

  useEffect(() => {
    if (shown.search === search) return;
    const controller = new AbortController();
    fetchView(route, search, viewStatuses, controller.signal).then(
      (view) => setShown({ search, view }),
      () => {
        // Signed out meanwhile, or the server failed: load the page itself, which signs in
        // again or shows the dashboard's error page.
        if (!controller.signal.aborted) window.location.assign(window.location.href);
      },
    );
    return () => controller.abort();
  }, [route, search, shown.search, viewStatuses]);

  return <FetchedViewContext value={{ route, view: shown.view, loading: shown.search !== search }}>{children}</FetchedViewContext>;
}

/** The current view of `route`'s page, and whether the next one is loading. */
export function useFetchedView<V>(route: string): { view: V; loading: boolean } {
  const context = use(FetchedViewContext);
  if (!context || context.route !== route) throw new Error(`a view of ${route} outside its FetchedViewProvider`);
  return { view: context.view as V, loading: context.loading };
}
