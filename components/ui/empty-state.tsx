export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children && <div className="mx-auto mt-2 max-w-prose text-sm text-slate-600">{children}</div>}
      {action && <div className="mt-5 flex justify-center gap-2">{action}</div>}
    </div>
  );
}

/** A line in a card where a short list or table would stand, when there is nothing in it. */
export function EmptyNote({ children }: { children: React.ReactNode }) {
  return <p className="rounded-lg bg-white px-5 py-6 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">{children}</p>;
}
