'use client';
// Errors of the group layouts themselves: the dashboard's layout reads the session from
// the database first, so this is the page most people see while the database is down.
// Shaped like the sign-in pages (app/(auth)/layout.tsx).
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function RootError(props: ErrorBoundaryProps) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <p className="mb-6 text-center text-sm font-semibold tracking-wide text-slate-500 uppercase">Secret inventory</p>
        <div className="rounded-lg bg-white p-8 shadow-sm ring-1 ring-slate-200">
          <ErrorNotice {...props} />
        </div>
      </div>
    </main>
  );
}
