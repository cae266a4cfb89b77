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
