'use client';
// The last resort: the root layout itself failed. It replaces that layout, so it brings
// its own document and styles.
import './globals.css';
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function GlobalError(props: ErrorBoundaryProps) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Secret inventory</title>
        <main className="flex min-h-screen items-center justify-center px-4 py-12">
          <div className="w-full max-w-md">
            <p className="mb-6 text-center text-sm font-semibold tracking-wide text-slate-500 uppercase">Secret inventory</p>
            <div className="rounded-lg bg-white p-8 shadow-sm ring-1 ring-slate-200">
              <ErrorNotice {...props} />
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}
