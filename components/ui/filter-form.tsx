'use client';
// A list page's filter form (the Inventory's, the Rotation area's, the Audit trail's).
// It is a plain GET form (works without JavaScript);
// with JavaScript it navigates to a short URL for the chosen view: blank fields and
// values equal to the defaults are left out, so shared links stay readable. With
// `shallow` (a list that fetches its own rows: the Inventory, the Audit trail) only the
// URL changes; otherwise the router renders the page for it.
// Deliberately zod-free: zod probes `new Function` in the browser, which the CSP reports.
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { showListView } from './list-link';

export function FilterForm({
  defaults,
  action = '/inventory',
  label = 'Filter secrets',
  children,
  className,
  shallow = false,
}: {
  /** The page the form shows its results on. */
  action?: string;
  label?: string;
  /** Values the list uses when a parameter is absent (e.g. sort=name). */
  defaults: Record<string, string>;
  children: React.ReactNode;
  className?: string;
  shallow?: boolean;
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const search = useSearchParams().toString();
  const shownSearch = useRef(search);

  // With `shallow` the page is not rendered again when the view changes, so back and
  // forward would leave the previous view's filters in the fields: show the URL's instead.
  // (The consuming-system picker keeps its own state; its hidden field is left alone.)
  useEffect(() => {
    if (!shallow || !form.current || shownSearch.current === search) return;
    shownSearch.current = search;
    const params = new URLSearchParams(search);
    for (const control of form.current.elements) {
      if (!(control instanceof HTMLInputElement || control instanceof HTMLSelectElement) || !control.name || control.type === 'hidden') continue;
      control.value = params.get(control.name) ?? defaults[control.name] ?? '';
    }
  }, [shallow, search, defaults]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, raw] of new FormData(event.currentTarget)) {
      const value = typeof raw === 'string' ? raw.trim() : '';
      if (value !== '' && defaults[key] !== value) params.set(key, value);
    }
    const search = params.toString();
    const href = search ? `${action}?${search}` : action;
    // The same view again asks the server anew (fresh rows), as without `shallow`.
    if (shallow && href !== `${location.pathname}${location.search}`) showListView(href);
    else router.push(href);
  }

  return (
    <form ref={form} method="get" action={action} role="search" aria-label={label} onSubmit={onSubmit} className={className}>
      {children}
    </form>
  );
}
