'use client';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { controlClass } from '@/components/ui/field';
import { Table, Td, Th } from '@/components/ui/table';
import { MAX_IMPORT_BYTES } from '@/lib/export/csv/inventory-columns';
import type { ImportPreview, ImportResult } from '@/lib/data/inventory-import';
import { commitImportAction, previewImportAction } from './actions';

type Source = { text: string; label: string; rows: number };
type Stage = 'idle' | 'previewing' | 'preview' | 'importing' | 'done';

const PAGE = 100;
const NETWORK_ERROR = 'The request did not reach the server. Check your connection and try again.';
const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Data rows in CSV text (records after the header), counting quoted line breaks as one row. */
function countRows(text: string): number {
  let rows = 0;
  let quoted = false;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (!blank) rows++;
      blank = true;
    } else if (c.trim()) blank = false;
  }
  if (!blank) rows++;
  return Math.max(rows - 1, 0);
}

async function readFile(file: File): Promise<string> {
  if (file.size > MAX_IMPORT_BYTES) {
    throw new Error(`This file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB. Split it into smaller files.`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new Error('This file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" and choose it again.');
  }
}

export function ImportClient() {
  const [source, setSource] = useState<Source | null>(null);
  const [pasted, setPasted] = useState('');
  const [stage, setStage] = useState<Stage>('idle');
  const [error, setError] = useState<string>();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [confirmNew, setConfirmNew] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const ids = { file: useId(), paste: useId(), hint: useId(), confirm: useId() };

  const busy = stage === 'previewing' || stage === 'importing';

  // Move focus to what just appeared, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (stage === 'preview' || stage === 'done') resultHeading.current?.focus();
  }, [stage]);

  function reset() {
    setPreview(null);
    setResult(null);
    setConfirmNew(false);
    setError(undefined);
    setStage('idle');
  }

  async function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    reset();
    const file = event.target.files?.[0];
    if (!file) return setSource(null);
    try {
      const text = await readFile(file);
      setPasted('');
      setSource({ text, label: file.name, rows: countRows(text) });
    } catch (e) {
      setSource(null);
      setError((e as Error).message);
    }
  }

  function onPaste(text: string) {
    reset();
    setPasted(text);
    if (fileInput.current) fileInput.current.value = '';
    setSource(text.trim() ? { text, label: 'Pasted text', rows: countRows(text) } : null);
  }

  async function runPreview() {
    if (!source) return;
    if (new Blob([source.text]).size > MAX_IMPORT_BYTES) {
      setError('The text is larger than 5 MB. Split it into smaller files.');
      return;
    }
    setStage('previewing');
    setError(undefined);
    setPreview(null);
    try {
      const res = await previewImportAction(source.text);
      if (res.ok) {
        setPreview(res.data);
        setStage('preview');
      } else {
        setError(res.error);
        setStage('idle');
      }
    } catch {
      setError(NETWORK_ERROR);
      setStage('idle');
    }
  }

  async function runImport() {
    if (!source || !preview) return;
    setStage('importing');
    setError(undefined);
    try {
      const res = await commitImportAction(source.text, confirmNew);
      if (res.ok) {
        setResult({ created: res.created, teamsCreated: res.teamsCreated, systemsCreated: res.systemsCreated });
        setStage('done');
      } else {
        setError(res.error);
        setStage('preview');
      }
    } catch {
      setError(NETWORK_ERROR);
      setStage('preview');
    }
  }

  function startOver() {
    reset();
    setSource(null);
    setPasted('');
    if (fileInput.current) fileInput.current.value = '';
  }

  if (stage === 'done' && result) {
    return (
      <section aria-labelledby="import-done" className="space-y-4">
        <Card>
          <div className="space-y-4">
            <h2 id="import-done" ref={resultHeading} tabIndex={-1} className="text-lg font-semibold text-slate-900 focus:outline-none">
              Import complete
            </h2>
            <Alert tone="success">
              Imported {plural(result.created, 'secret')}
              {result.teamsCreated || result.systemsCreated
                ? ` and created ${[
                    result.teamsCreated ? plural(result.teamsCreated, 'team') : '',
                    result.systemsCreated ? plural(result.systemsCreated, 'system') : '',
                  ]
                    .filter(Boolean)
                    .join(' and ')}`
                : ''}
              . Each one is recorded in the audit trail.
            </Alert>
            <div className="flex flex-wrap gap-2">
              <LinkButton href="/inventory" variant="primary">
                Go to the inventory
              </LinkButton>
              <Button variant="secondary" onClick={startOver}>
                Import another file
              </Button>
            </div>
          </div>
        </Card>
      </section>
    );
  }

  return (
    <div className="min-w-0 space-y-6">
      <Card title="1. Choose the data">
        <div className="space-y-4">
          <div className="space-y-1">
            <label htmlFor={ids.file} className="block text-sm font-medium text-slate-800">
              CSV file
            </label>
            <input
              ref={fileInput}
              id={ids.file}
              type="file"
              accept=".csv,.tsv,.txt,text/csv,text/plain"
              aria-describedby={ids.hint}
              onChange={onFile}
              disabled={busy}
              className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-white file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800 file:ring-1 file:ring-inset file:ring-slate-300 hover:file:bg-slate-50"
            />
            <p id={ids.hint} className="text-xs text-slate-600">
              UTF-8, up to 5 MB and 20,000 rows. Comma-, semicolon- and tab-separated files all work.
            </p>
          </div>
          <details>
            <summary className="cursor-pointer text-sm font-medium text-accent-700 hover:underline">Or paste the rows instead</summary>
            <div className="mt-2 space-y-1">
              <label htmlFor={ids.paste} className="block text-sm font-medium text-slate-800">
                CSV text, or cells copied from a spreadsheet (include the header row)
              </label>
              <textarea
                id={ids.paste}
                rows={6}
                value={pasted}
                onChange={(e) => onPaste(e.target.value)}
                disabled={busy}
                spellCheck={false}
                className={cn(controlClass, 'font-mono text-xs')}
              />
            </div>
          </details>
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={runPreview} disabled={!source || busy}>
              {stage === 'previewing' ? 'Checking…' : 'Preview'}
            </Button>
            {source && (
              <p className="text-sm text-slate-600">
                <span className="font-medium text-slate-800">{source.label}</span>: about {plural(source.rows, 'row')}
              </p>
            )}
          </div>
          {stage === 'previewing' && source && (
            <Progress label={`Checking ${plural(source.rows, 'row')} against the inventory…`} />
          )}
          {error && stage !== 'preview' && stage !== 'importing' && <Alert>{error}</Alert>}
        </div>
      </Card>

      {!source && !error && (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8">
          <h2 className="text-sm font-semibold text-slate-900">How it works</h2>
          <ol className="mt-3 list-decimal space-y-1.5 pl-5 text-sm text-slate-700">
            <li>
              Start from your spreadsheet, the <a className="font-medium text-accent-700 underline" href="/inventory/import/template" download>template</a>, or an export of this inventory.
            </li>
            <li>Choose the file and press Preview. Every row is checked; nothing is saved yet.</li>
            <li>Fix any rows marked in red in your spreadsheet and choose the file again.</li>
            <li>When every row is ready, import them all in one step.</li>
          </ol>
        </div>
      )}

      {preview && (stage === 'preview' || stage === 'importing') && (
        <PreviewSection
          preview={preview}
          headingRef={resultHeading}
          busy={busy}
          importing={stage === 'importing'}
          error={error}
          confirmNew={confirmNew}
          confirmId={ids.confirm}
          onConfirmNew={setConfirmNew}
          onImport={runImport}
        />
      )}
    </div>
  );
}

function Progress({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4 animate-spin text-accent-600">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
          <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
        </svg>
        {label}
      </p>
      {/* Indeterminate: the server reports no partial progress, only done or failed. */}
      <div role="progressbar" aria-label={label} className="h-1.5 w-full overflow-hidden rounded-full bg-accent-100">
        <div className="h-full w-full animate-pulse rounded-full bg-accent-600/70" />
      </div>
    </div>
  );
}

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

function PreviewSection({ preview, headingRef, busy, importing, error, confirmNew, confirmId, onConfirmNew, onImport }: PreviewProps) {
  const { summary, newTeams, newSystems } = preview;
  const hasErrors = summary.invalid > 0;
  const hasNew = newTeams.length + newSystems.length > 0;
  const [filter, setFilter] = useState<'errors' | 'all'>(hasErrors ? 'errors' : 'all');
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => (filter === 'errors' ? preview.rows.filter((r) => !r.ok) : preview.rows), [filter, preview.rows]);
  const canImport = !hasErrors && (!hasNew || confirmNew) && !busy;

  return (
    <section aria-labelledby="preview-heading" className="space-y-4">
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
              {summary.invalid === 1 ? '1 row has' : `${fmt(summary.invalid)} rows have`} errors. Fix{' '}
              {summary.invalid === 1 ? 'it' : 'them'} in your spreadsheet and choose the file again: nothing is imported until
              every row is valid.
            </Alert>
          ) : (
            <Alert tone="success">Every row is valid and ready to import.</Alert>
          )}
          {hasNew && <NewNames teams={newTeams} systems={newSystems} />}
        </div>
      </Card>

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
            <thead>
              <tr>
                <Th className="w-16 text-right">Line</Th>
                <Th className="min-w-[14rem]">Secret name</Th>
                <Th>Environment</Th>
                <Th>Consuming systems</Th>
                <Th>Result</Th>
              </tr>
            </thead>
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
        {rows.length > shown && (
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <span>
              Showing {fmt(shown)} of {fmt(rows.length)}
            </span>
            <Button variant="secondary" onClick={() => setShown((n) => n + PAGE * 5)}>
              Show {fmt(Math.min(PAGE * 5, rows.length - shown))} more
            </Button>
          </div>
        )}
      </div>

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
                Also create {[newTeams.length ? plural(newTeams.length, 'new team') : '', newSystems.length ? plural(newSystems.length, 'new system') : '']
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
        These do not exist yet and will be created by the import. A new system is owned by the team of the first row that lists it.
        Check the spelling: a typo here creates a duplicate team or system.
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
