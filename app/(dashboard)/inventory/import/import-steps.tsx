'use client';
// The CSV import's first step (choose a file or paste rows), the how-to shown before any
// data is chosen, and the closing summary. The state lives in ImportClient.
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { controlClass } from '@/components/ui/field';
import type { ImportResult } from '@/lib/data/inventory-import';
import { Progress } from '@/components/ui/progress';
import { plural } from './import-source';

export type Source = { text: string; label: string; rows: number };

export function ImportDone({
  result,
  headingRef,
  onStartOver,
}: {
  result: ImportResult;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  onStartOver: () => void;
}) {
  return (
    <section aria-labelledby="import-done" className="space-y-4">
      <Card>
        <div className="space-y-4">
          <h2 id="import-done" ref={headingRef} tabIndex={-1} className="text-lg font-semibold text-slate-900 focus:outline-none">
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
            <Button variant="secondary" onClick={onStartOver}>
              Import another file
            </Button>
          </div>
        </div>
      </Card>
    </section>
  );
}

/** Step 1: a file or pasted rows, and the button that asks the server for a preview. */
export function ChooseStep({
  ids,
  fileInput,
  onFile,
  pasted,
  onPaste,
  source,
  busy,
  previewing,
  error,
  onPreview,
}: {
  ids: { file: string; paste: string; hint: string };
  fileInput: React.RefObject<HTMLInputElement | null>;
  onFile: (event: React.ChangeEvent<HTMLInputElement>) => void;
  pasted: string;
  onPaste: (text: string) => void;
  source: Source | null;
  busy: boolean;
  previewing: boolean;
  /** An error of this step (reading the file, or the preview request). */
  error?: string;
  onPreview: () => void;
}) {
  return (
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
          <Button onClick={onPreview} disabled={!source || busy}>
            {previewing ? 'Checking…' : 'Preview'}
          </Button>
          {source && (
            <p className="text-sm text-slate-600">
              <span className="font-medium text-slate-800">{source.label}</span>: about {plural(source.rows, 'row')}
            </p>
          )}
        </div>
        {previewing && source && <Progress label={`Checking ${plural(source.rows, 'row')} against the inventory…`} />}
        {error && <Alert>{error}</Alert>}
      </div>
    </Card>
  );
}

/** Before any data is chosen: the steps, and where to get a file that fits. */
export function HowItWorks() {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8">
      <h2 className="text-sm font-semibold text-slate-900">How it works</h2>
      <ol className="mt-3 list-decimal space-y-1.5 pl-5 text-sm text-slate-700">
        <li>
          Start from your spreadsheet, the{' '}
          <a className="font-medium text-accent-700 underline" href="/inventory/import/template" download>
            template
          </a>
          , or an export of this inventory.
        </li>
        <li>Choose the file and press Preview. Every row is checked; nothing is saved yet.</li>
        <li>Fix any rows marked in red in your spreadsheet and choose the file again.</li>
        <li>When every row is ready, import them all in one step.</li>
      </ol>
    </div>
  );
}
