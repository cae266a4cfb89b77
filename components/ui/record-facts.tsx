// The body of a team's or system's page: its cards in two thirds, and beside them a card of
// facts (owner, counts) that ends with when the record was created and last changed.
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { Card } from './card';

export function RecordColumns({ aside, children }: { aside: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">{children}</div>
      {aside}
    </div>
  );
}

/** The record's own description, kept as typed (line breaks too), or what to say when there is none. */
export function AboutCard({ description, empty, children }: { description: string; empty: React.ReactNode; children?: React.ReactNode }) {
  return (
    <Card title="About">
      {description ? <p className="whitespace-pre-line text-sm text-slate-800">{description}</p> : <p className="text-sm text-slate-500">{empty}</p>}
      {children}
    </Card>
  );
}

export function FactsCard({
  title,
  record,
  children,
}: {
  title: string;
  record: { createdAt: string; updatedAt: string };
  /** The facts: Fact and CountFact elements. */
  children: React.ReactNode;
}) {
  return (
    <Card title={title}>
      <div className="space-y-4 text-sm">
        <dl className="space-y-4">{children}</dl>
        <div className="border-t border-slate-200 pt-3 text-xs text-slate-500">
          <p>Created {formatDateTime(record.createdAt)}</p>
          <p>Last changed {formatDateTime(record.updatedAt)}</p>
        </div>
      </div>
    </Card>
  );
}

export function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600">{term}</dt>
      {children}
    </div>
  );
}

/** A count, large, with a link to the list it counts and a note on what it leaves out. */
export function CountFact({ term, count, href, note }: { term: string; count: number; href: string; note: string }) {
  return (
    <Fact term={term}>
      <dd className="mt-0.5 flex items-baseline justify-between gap-3">
        <span className="text-2xl font-semibold tabular-nums text-slate-900">{count.toLocaleString('en-US')}</span>
        <Link href={href} className="font-medium text-accent-700 hover:underline">
          {term}
          <span aria-hidden> →</span>
        </Link>
      </dd>
      <dd className="mt-0.5 text-xs text-slate-500">{note}</dd>
    </Fact>
  );
}
