'use client';
// Auditor export buttons (audit page, Access tab). Each downloads its export through fetch
// so the person sees "Preparing…" while the server starts the stream and how much has
// arrived while it runs (a large export takes a while), then saves the file. A refusal or
// a bad filter shows the server's own message.
import { useState } from 'react';
import { formatBytes } from '@/components/format';
import { Button } from '@/components/ui/button';
import type { ExportLink } from './export-links';

function fileNameOf(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
}

export function ExportButtons({ links }: { links: ExportLink[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<string>('');
  const [error, setError] = useState<string>('');

  async function download(link: ExportLink) {
    setBusy(link.label);
    setError('');
    setProgress('Preparing…');
    try {
      const response = await fetch(link.href, { cache: 'no-store' });
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
        setProgress(`Downloading… ${formatBytes(received)}`);
      }
      const url = URL.createObjectURL(new Blob(parts, { type: response.headers.get('content-type') ?? 'application/octet-stream' }));
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = fileNameOf(response, link.fileName);
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress(`Downloaded ${formatBytes(received)}`);
    } catch (e) {
      setProgress('');
      setError(e instanceof Error ? e.message : 'The export could not be made.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {links.map((link) => (
        <Button
          key={link.label}
          variant={link.primary ? 'primary' : 'secondary'}
          disabled={busy !== null}
          onClick={() => download(link)}
          aria-busy={busy === link.label}
        >
          {busy === link.label ? 'Preparing…' : link.label}
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
