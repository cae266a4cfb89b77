// A waiting line for long work (an import, an adoption): a spinner with what is happening,
// and an indeterminate bar (the server reports no partial progress, only done or failed).
export function Progress({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4 animate-spin text-accent-600">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
          <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
        </svg>
        {label}
      </p>
      <div role="progressbar" aria-label={label} className="h-1.5 w-full overflow-hidden rounded-full bg-accent-100">
        <div className="h-full w-full animate-pulse rounded-full bg-accent-600/70" />
      </div>
    </div>
  );
}
