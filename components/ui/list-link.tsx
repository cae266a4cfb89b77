'use client';
// Links between views of a list whose rows are fetched in the browser (the Inventory:
// components/inventory/list-view.tsx; the Audit trail: components/audit/list-view.tsx).
// A plain click only changes the URL (history.pushState, which Next's router mirrors into
// useSearchParams); the list then fetches its rows from its JSON route instead of the
// server rendering the whole page again. A modified click (new tab or window) and a
// browser without JavaScript follow an ordinary link. Never prefetched: a prefetch of each
// of the list's many links would cost the server a render apiece.

/** Shows the list view at `href` (same page): the URL changes, the list fetches its rows. */
export function showListView(href: string): void {
  window.history.pushState(null, '', href);
}

export function ListLink({ href, onClick, ...props }: React.ComponentProps<'a'> & { href: string }) {
  return (
    <a
      href={href}
      {...props}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        showListView(href);
      }}
    />
  );
}
