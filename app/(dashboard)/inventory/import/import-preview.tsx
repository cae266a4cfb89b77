'use client';
// Step 2 and 3 of the CSV import: the preview of every row (errors first), the new teams
// and systems the import would create, and the button that imports all rows at once.
import { useMemo, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { ShowMore } from '@/components/ui/show-more';
import { Table, TableHead, Td } from '@/components/ui/table';
import type { ImportPreview } from '@/lib/data/inventory-import';
import { Progress } from '@/components/ui/progress';
import { fmt, plural } from './import-source';

const PAGE = 100;

type PreviewProps = {
  preview: ImportPreview;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  busy: boolean;
  importing: boolean;
  error?: string;
  confirmNew: boolean;
  confirmId: string;
  onConfirmNew: (v: boolean) => void;
  onImport: () => void;
};

export function PreviewSection({ preview, headingRef, busy, importing, error, confirmNew, confirmId, onConfirmNew, onImport }: PreviewProps) {
  const { summary, newTeams, newSystems } = preview;
  const hasErrors = summary.invalid > 0;
  const hasNew = newTeams.length + newSystems.length > 0;
  const canImport = !hasErrors && (!hasNew || confirmNew) && !busy;
  return (
    <section aria-labelledby="preview-heading" className="space-y-4">
      <PreviewSummary preview={preview} headingRef={headingRef} />
      <PreviewRows preview={preview} />
      <Card title="3. Import">
        <div className="space-y-4">
          {hasNew && !hasErrors && (
            <div className="flex items-start gap-2">
              <input
                id={confirmId}
                type="checkbox"
                checked={confirmNew}
                onChange={(e) => onConfirmNew(e.target.checked)}
                disabled={busy}
                className="mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-600 focus:ring-accent-600"
              />
              <label htmlFor={confirmId} className="text-sm text-slate-800">
                Also create{' '}
                {[newTeams.length ? plural(newTeams.length, 'new team') : '', newSystems.length ? plural(newSystems.length, 'new system') : '']
                  .filter(Boolean)
                  .join(' and ')}{' '}
                listed above
              </label>
            </div>
          )}
          {error && <Alert>{error}</Alert>}
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={onImport} disabled={!canImport}>
              {importing ? 'Importing…' : `Import ${plural(summary.total, 'secret')}`}
            </Button>
            {!importing && (
              <p className="text-sm text-slate-600">
                {hasErrors
                  ? 'Fix the rows with errors first.'
                  : hasNew && !confirmNew
                    ? 'Confirm the new teams and systems first.'
                    : 'Everything is written in one step: all rows or none.'}
              </p>
            )}
          </div>
          {importing && <Progress label={`Importing ${plural(summary.total, 'secret')}… keep this page open.`} />}
        </div>
      </Card>
    </section>
  );
}

/** The preview's verdict: counts, the server's warnings, and the new names it would create. */
function PreviewSummary({ preview, headingRef }: { preview: ImportPreview; headingRef: PreviewProps['headingRef'] }) {
  const { summary, newTeams, newSystems } = preview;
  const hasErrors = summary.invalid > 0;
  return (
    <Card>
      <div className="space-y-4">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="preview-heading" ref={headingRef} tabIndex={-1} className="text-base font-semibold text-slate-900 focus:outline-none">
            2. Check the preview
          </h2>
          <p className="flex flex-wrap gap-2 text-sm">
            <Badge>{plural(summary.total, 'row')}</Badge>
            <Badge tone="green">{fmt(summary.valid)} ready</Badge>
            <Badge tone={hasErrors ? 'red' : 'neutral'}>{plural(summary.invalid, 'row')} with errors</Badge>
          </p>
        </div>
        {preview.warnings.map((w) => (
          <Alert key={w} tone="info">
            {w}
          </Alert>
        ))}
        {hasErrors ? (
          <Alert>
            {summary.invalid === 1 ? '1 row has' : `${fmt(summary.invalid)} rows have`} errors. Fix {summary.invalid === 1 ? 'it' : 'them'} in your spreadsheet
            and choose the file again: nothing is imported until every row is valid.
          </Alert>
        ) : (
          <Alert tone="success">Every row is valid and ready to import.</Alert>
        )}
        {newTeams.length + newSystems.length > 0 && <NewNames teams={newTeams} systems={newSystems} />}
      </div>
    </Card>
  );
}

/** Every row and what import does with it; rows with errors first, a page at a time. */
function PreviewRows({ preview }: { preview: ImportPreview }) {
  const { summary } = preview;
  const [filter, setFilter] = useState<'errors' | 'all'>(summary.invalid > 0 ? 'errors' : 'all');
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => (filter === 'errors' ? preview.rows.filter((r) => !r.ok) : preview.rows), [filter, preview.rows]);
  return (
    <div className="space-y-3">
      <div role="group" aria-label="Rows to show" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300">
        {(
          [
            ['errors', `Rows with errors (${fmt(summary.invalid)})`],
            ['all', `All rows (${fmt(summary.total)})`],
          ] as const
        ).map(([value, label], i) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter === value}
            onClick={() => {
              setFilter(value);
              setShown(PAGE);
            }}
            className={cn(
              'px-3 py-1.5 text-sm font-medium',
              i === 0 ? 'rounded-l-md' : 'rounded-r-md border-l border-slate-300',
              filter === value ? 'bg-slate-800 text-white' : 'bg-white text-slate-700 hover:bg-slate-50',
            )}
          >
            {label}
          </button>
        ))}
      </div>
      {rows.length === 0 ? (
        <p className="rounded-lg bg-white px-4 py-6 text-center text-sm text-slate-600 ring-1 ring-slate-200">No rows with errors.</p>
      ) : (
        <Table caption="Rows in the file and what import will do with each">
          <TableHead
            headings={[
              { label: 'Line', className: 'w-16 text-right' },
              { label: 'Secret name', className: 'min-w-[14rem]' },
              'Environment',
              'Consuming systems',
              'Result',
            ]}
          />
          <tbody className="divide-y divide-slate-100">
            {rows.slice(0, shown).map((r) => (
              <tr key={r.line} className={r.ok ? 'hover:bg-slate-50' : 'bg-red-50/60'}>
                <Td className={cn('text-right tabular-nums text-slate-600', !r.ok && 'border-l-4 border-red-600')}>{r.line}</Td>
                <Td className="max-w-sm break-words font-medium">{r.name || <span className="text-slate-500">(empty)</span>}</Td>
                <Td>{r.environment || <span className="text-slate-500">(empty)</span>}</Td>
                <Td>
                  <SystemList names={r.consumers} total={r.consumerCount} />
                </Td>
                <Td>
                  {r.ok ? (
                    <Badge tone="green">Ready</Badge>
                  ) : (
                    <ul className="space-y-1 text-red-800">
                      {r.errors.map((e, i) => (
                        <li key={i}>
                          {e.column && <span className="font-semibold">{e.column}: </span>}
                          {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ShowMore shown={shown} total={rows.length} step={PAGE * 5} onMore={() => setShown((n) => n + PAGE * 5)} />
    </div>
  );
}

/** A row's systems one by one, so "a, b" reads as two systems before anything is created. */
function SystemList({ names, total }: { names: string[]; total: number }) {
  if (total === 0) return <span className="text-slate-500">None</span>;
  return (
    <ul aria-label={plural(total, 'system')} className="flex max-w-xs flex-wrap gap-1">
      {names.map((n) => (
        <li key={n}>
          <Badge className="max-w-[12rem] truncate">{n}</Badge>
        </li>
      ))}
      {total > names.length && <li className="text-xs text-slate-600">and {fmt(total - names.length)} more</li>}
    </ul>
  );
}

function NewNames({ teams, systems }: { teams: string[]; systems: string[] }) {
  return (
    <div className="grid gap-4 rounded-md bg-amber-50 p-4 ring-1 ring-inset ring-amber-200 sm:grid-cols-2">
      <NameList title={`New teams (${fmt(teams.length)})`} names={teams} empty="None: every owner already exists." />
      <NameList title={`New systems (${fmt(systems.length)})`} names={systems} empty="None: every system already exists." />
      <p className="text-sm text-amber-900 sm:col-span-2">
        These do not exist yet and will be created by the import. A new system is owned by the team of the first row that lists it. Check the spelling: a typo
        here creates a duplicate team or system.
      </p>
    </div>
  );
}

const NAMES_SHOWN = 30;

function NameList({ title, names, empty }: { title: string; names: string[]; empty: string }) {
  const [all, setAll] = useState(false);
  const visible = all ? names : names.slice(0, NAMES_SHOWN);
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold text-amber-950">{title}</h3>
      {names.length === 0 ? (
        <p className="text-sm text-amber-900">{empty}</p>
      ) : (
        <>
          <ul className="flex flex-wrap gap-1.5">
            {visible.map((n) => (
              <li key={n}>
                <Badge tone="amber" className="max-w-[16rem] truncate">
                  {n}
                </Badge>
              </li>
            ))}
          </ul>
          {names.length > NAMES_SHOWN && (
            <button type="button" onClick={() => setAll((v) => !v)} className="mt-2 text-sm font-medium text-amber-950 underline">
              {all ? 'Show fewer' : `Show all ${fmt(names.length)}`}
            </button>
          )}
        </>
      )}
    </div>
  );
}
