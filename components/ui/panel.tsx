// A titled white card: the building block of the detail pages' two-column layouts.
export function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <h2 className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">{title}</h2>
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}

/** A table or list under its own heading, outside a card; the heading (`id`) names the section. */
export function HeadedSection({ id, title, children }: { id: string; title: React.ReactNode; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-2 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}
