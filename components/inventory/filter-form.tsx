'use client';
// The inventory filter bar's form. It is a plain GET form (works without JavaScript);
// with JavaScript it navigates to the canonical, shortest URL for the chosen view
// (blank fields and defaults left out, cursor dropped), so shared links stay readable.
import { useRouter } from 'next/navigation';
import { parseSecretListQuery, secretListHref } from '@/lib/validation/secret-list';

export function FilterForm({ children, className }: { children: React.ReactNode; className?: string }) {
  const router = useRouter();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const [key, value] of new FormData(event.currentTarget)) {
      if (typeof value === 'string') values[key] = value;
    }
    const { after: _after, ...query } = parseSecretListQuery(values);
    router.push(secretListHref(query));
  }

  return (
    <form method="get" action="/inventory" role="search" aria-label="Filter secrets" onSubmit={onSubmit} className={className}>
      {children}
    </form>
  );
}
