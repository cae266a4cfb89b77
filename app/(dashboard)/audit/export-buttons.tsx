'use client';
// The audit page's export buttons. Each downloads the current filters' export through
// fetch so the person sees "Preparing…" while the server starts the stream and how much
// has arrived while it runs (a large export takes a while), then saves the file.
import { useState } from 'react';
import { Button } from '@/components/ui/button';

type Kind = 'csv' | 'jsonl' | 'bundle';

const LABELS: Record<Kind, string> = { csv: 'Export CSV', jsonl: 'Export JSON Lines', bundle: 'Evidence bundle' };

function hrefFor(kind: Kind, filters: string): string {
  if (kind === 'bundle') return `/api/export/audit/bundle${filters ? `?${filters}` : ''}`;
  return `/api/export/audit?format=${kind}${filters ? `&${filters}` : ''}`;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function fileNameOf(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
}

export function ExportButtons({ filters }: { filters: string }) {
  const [busy, setBusy] = useState<Kind | null>(null);
  const [progress, setProgress] = useState<string>('');
  const [error, setError] = useState<string>('');

  async function download(kind: Kind) {
    setBusy(kind);
    setError('');
    setProgress('Preparing…');
    try {
      const response = await fetch(hrefFor(kind, filters), { cache: 'no-store' });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        throw new Error(body?.error ?? 'The export could not be made.');
      }
      const reader = response.body.getReader();
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.length;
        setProgress(`Downloading… ${megabytes(received)}`);
      }
      const url = URL.createObjectURL(new Blob(parts, { type: response.headers.get('content-type') ?? 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileNameOf(response, kind === 'bundle' ? 'evidence-bundle.zip' : `audit-events.${kind}`);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress(`Downloaded ${megabytes(received)}`);
    } catch (e) {
      setProgress('');
      setError(e instanceof Error ? e.message : 'The export could not be made.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {(Object.keys(LABELS) as Kind[]).map((kind) => (
        <Button key={kind} variant={kind === 'bundle' ? 'primary' : 'secondary'} disabled={busy !== null} onClick={() => download(kind)} aria-busy={busy === kind}>
          {busy === kind ? 'Preparing…' : LABELS[kind]}
        </Button>
      ))}
      <span role="status" aria-live="polite" className="text-sm text-slate-600">
        {progress}
      </span>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
