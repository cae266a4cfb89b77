'use client';
// The CSV import: choose (file or paste) → preview every row on the server → import all
// rows in one step. This component holds the state and talks to the actions; the steps
// are drawn by import-steps.tsx and import-preview.tsx.
import { useEffect, useId, useRef, useState } from 'react';
import { MAX_IMPORT_BYTES } from '@/lib/export/csv/inventory-columns';
import type { ImportPreview, ImportResult } from '@/lib/data/inventory-import';
import { commitImportAction, previewImportAction } from './actions';
import { PreviewSection } from './import-preview';
import { countRows, readFile } from './import-source';
import { ChooseStep, HowItWorks, ImportDone, type Source } from './import-steps';

type Stage = 'idle' | 'previewing' | 'preview' | 'importing' | 'done';
type ActionResult = { ok: true } | { ok: false; error: string };

const NETWORK_ERROR = 'The request did not reach the server. Check your connection and try again.';

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

  /** Shows `stages.working` while the action runs, then `done`; a refusal or a lost request shows its error and goes back to `failed`. */
  async function callAction<R extends ActionResult>(
    action: () => Promise<R>,
    onOk: (res: Extract<R, { ok: true }>) => void,
    stages: { working: Stage; done: Stage; failed: Stage },
  ) {
    setStage(stages.working);
    setError(undefined);
    try {
      const res = await action();
      if (res.ok) {
        onOk(res as Extract<R, { ok: true }>);
        return setStage(stages.done);
      }
      setError(res.error);
    } catch {
      setError(NETWORK_ERROR);
    }
    setStage(stages.failed);
  }

  async function runPreview() {
    if (!source) return;
    if (new Blob([source.text]).size > MAX_IMPORT_BYTES) {
      setError('The text is larger than 5 MB. Split it into smaller files.');
      return;
    }
    setPreview(null);
    await callAction(
      () => previewImportAction(source.text),
      (res) => setPreview(res.data),
      { working: 'previewing', done: 'preview', failed: 'idle' },
    );
  }

  async function runImport() {
    if (!source || !preview) return;
    const counts = ({ created, teamsCreated, systemsCreated }: ImportResult) => setResult({ created, teamsCreated, systemsCreated });
    await callAction(() => commitImportAction(source.text, confirmNew), counts, { working: 'importing', done: 'done', failed: 'preview' });
  }

  function startOver() {
    reset();
    setSource(null);
    setPasted('');
    if (fileInput.current) fileInput.current.value = '';
  }

  if (stage === 'done' && result) {
    return <ImportDone result={result} headingRef={resultHeading} onStartOver={startOver} />;
  }

  return (
    <div className="min-w-0 space-y-6">
      <ChooseStep
        ids={ids}
        fileInput={fileInput}
        onFile={onFile}
        pasted={pasted}
        onPaste={onPaste}
        source={source}
        busy={busy}
        previewing={stage === 'previewing'}
        // The preview and import steps show their own errors.
        error={stage !== 'preview' && stage !== 'importing' ? error : undefined}
        onPreview={runPreview}
      />

      {!source && !error && <HowItWorks />}

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
