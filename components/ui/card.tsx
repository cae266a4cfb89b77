import { cn } from './cn';

export function Card({ children, className, title }: { children: React.ReactNode; className?: string; title?: string }) {
  return (
    <section className={cn('rounded-lg bg-white shadow-sm ring-1 ring-slate-200', className)}>
      {title && <h2 className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-800">{title}</h2>}
      <div className="p-5">{children}</div>
    </section>
  );
}
