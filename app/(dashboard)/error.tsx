'use client';
// A page of the dashboard failed: the message takes the page's place, beside the navigation.
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function DashboardError(props: ErrorBoundaryProps) {
  return (
    <div className="max-w-xl rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <ErrorNotice {...props} />
    </div>
  );
}
