'use client';
// The leak check's form: paste text or choose a file, send it to /api/leak-check/upload,
// show the progress lines the server streams back, then open the scan's page. Nothing is
// kept in the browser either: the text stays in the text box, the file where it was.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatBytes } from '@/components/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Progress } from '@/components/ui/progress';
import { MAX_LEAK_PASTE_BYTES, MAX_LEAK_UPLOAD_BYTES } from '@/lib/body-limits';

type Line = { bytes?: number; files?: number; commits?: number; candidates?: number; findings?: number; skipped?: number; scanId?: string; error?: string };

function progressLabel(p: Line | null): string {
  if (!p || p.bytes === undefined) return 'Scanning…';
  const parts = [`${formatBytes(p.bytes)} read`];
  if (p.files) parts.push(`${p.files.toLocaleString('en-US')} ${p.files === 1 ? 'file' : 'files'}`);
  if (p.commits) parts.push(`${p.commits.toLocaleString('en-US')} ${p.commits === 1 ? 'commit' : 'commits'}`);
  parts.push(`${(p.candidates ?? 0).toLocaleString('en-US')} candidates`, `${(p.findings ?? 0).toLocaleString('en-US')} findings`);
  if (p.skipped) parts.push(`${p.skipped.toLocaleString('en-US')} skipped (binary or too large)`);
  return `Scanning… ${parts.join(', ')}`;
}

export function LeakScanForm() {
  const router = useRouter();
  const [source, setSource] = useState<'paste' | 'file'>('paste');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<Line | null>(null);
  const [pending, setPending] = useState(false);

  async function scan(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    const body: Blob | null = source === 'paste' ? (text.trim() ? new Blob([text], { type: 'text/plain; charset=utf-8' }) : null) : file;
    if (!body) return setError(source === 'paste' ? 'Paste some text to scan.' : 'Choose a file to scan.');
    const limit = source === 'paste' ? MAX_LEAK_PASTE_BYTES : MAX_LEAK_UPLOAD_BYTES;
    if (body.size > limit) {
      return setError(
        source === 'paste'
          ? 'Pasted text is limited to 5 MB: upload it as a file.'
          : 'Files are limited to 50 MB: scan a repository with `npm run leak-check` instead.',
      );
    }
    setPending(true);
    setProgress(null);
    try {
      const query = source === 'paste' ? 'source=paste' : `source=file&name=${encodeURIComponent(file?.name ?? '')}`;
      const response = await fetch(`/api/leak-check/upload?${query}`, { method: 'POST', body });
      if (!response.ok || !response.body) {
        const refusal = (await response.json().catch(() => null)) as { error?: string } | null;
        throw new Error(refusal?.error ?? 'The scan could not start. Try again.');
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      let done: Line | null = null;
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const raw of lines) {
          if (!raw.trim()) continue;
          const line = JSON.parse(raw) as Line;
          if (line.scanId) done = line;
          else setProgress(line);
        }
      }
      if (!done?.scanId) throw new Error('The connection ended before the scan finished. Open the scan list to see how far it got.');
      router.push(`/leaks/${done.scanId}`);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The scan could not start. Try again.');
      setPending(false);
    }
  }

  return (
    <form onSubmit={scan} className="space-y-4" aria-label="Leak check">
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">What to scan</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="source" value="paste" checked={source === 'paste'} onChange={() => setSource('paste')} /> Paste text
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="source" value="file" checked={source === 'file'} onChange={() => setSource('file')} /> Upload a file
        </label>
      </fieldset>
      {source === 'paste' ? (
        <Field label="Text to scan" name="leak-text" hint="A log, a config, an .env file, a chat message: up to 5 MB. It is scanned in memory and not kept.">
          {(a11y) => (
            <textarea
              {...a11y}
              name="leak-text"
              rows={10}
              spellCheck={false}
              autoComplete="off"
              className={`${a11y.className} font-mono`}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
      ) : (
        <Field
          label="File to scan"
          name="leak-file"
          hint="Up to 50 MB: a log, a config, a zip of a repository, or a git bundle (git bundle create repo.bundle --all) to scan its whole history."
        >
          {(a11y) => <input {...a11y} type="file" name="leak-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
      )}
      {error && <Alert>{error}</Alert>}
      {pending ? <Progress label={progressLabel(progress)} /> : <Button type="submit">Scan for leaked secrets</Button>}
    </form>
  );
}
