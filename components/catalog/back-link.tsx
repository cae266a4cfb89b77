import Link from 'next/link';

/** The way back to a list from a detail or form page. */
export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="mb-3 inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900">
      <span aria-hidden>←</span> {children}
    </Link>
  );
}
