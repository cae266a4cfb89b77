'use client';
// Uploads a bundle to /api/audit/verify-bundle and shows the verdict: valid or not, the
// signature, each file's check, and every problem named.
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { Table, TableHead, Td } from '@/components/ui/table';
import type { ChainContinuity } from '@/lib/export/bundle/chain';
import type { UploadedBundleVerification } from '@/lib/export/bundle/verify-upload';

/** The filters a file of the bundle applied, as its manifest lists them. */
function fileFilters(manifest: UploadedBundleVerification['manifest'] | undefined, name: string): string {
  const filters = manifest?.files.find((f) => f.name === name)?.filters;
  if (!filters) return '—';
  return (
    Object.entries(filters)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'none'
  );
}

export function VerifyBundleForm({ maxBytes }: { maxBytes: number }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<UploadedBundleVerification | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError('');
    setResult(null);
    if (file.size > maxBytes) {
      setError('The bundle is larger than 10 MB: verify it with `npm run audit:verify-bundle <file>` instead.');
      return;
    }
    setBusy(true);
    try {
      const response = await fetch('/api/audit/verify-bundle', { method: 'POST', body: file, headers: { 'content-type': 'application/zip' } });
      const body = (await response.json().catch(() => null)) as (UploadedBundleVerification & { error?: string }) | null;
      if (!response.ok || !body) throw new Error(body?.error ?? 'The bundle could not be checked.');
      setResult(body);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The bundle could not be checked.');
    } finally {
      setBusy(false);
    }
  }

  const m = result?.manifest;
  return (
    <div className="space-y-5">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <div>
          <label htmlFor="bundle" className="mb-1 block text-sm font-medium text-slate-800">
            Evidence bundle (.zip, up to 10 MB)
          </label>
          <input
            id="bundle"
            name="bundle"
            type="file"
            accept=".zip,application/zip"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className={controlClass}
          />
        </div>
        <Button type="submit" disabled={!file || busy}>
          {busy ? 'Checking…' : 'Verify'}
        </Button>
      </form>

      {error && <Alert>{error}</Alert>}

      {result && (
        <section aria-label="Verification result" className="space-y-4">
          {result.ok ? (
            <Alert tone="success">
              The bundle verifies: the signature is valid, every file matches the manifest, and the exported audit events recompute to their hash chain.
              {result.signedByThisServer === true && ' It was signed by this server’s key.'}
              {result.signedByThisServer === false && ' It was signed by a key other than this server’s.'}
            </Alert>
          ) : (
            <Alert>
              <p className="font-medium">The bundle does NOT verify.</p>
              <ul className="mt-1 list-disc pl-5">
                {result.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Alert>
          )}
          <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200 sm:grid-cols-2">
            <div>
              <dt className="text-slate-600">Signature</dt>
              <dd>
                <Badge tone={result.signature === 'valid' ? 'green' : 'red'}>{result.signature}</Badge>
              </dd>
            </div>
            {m && (
              <>
                <div>
                  <dt className="text-slate-600">Generated</dt>
                  <dd>
                    {m.generatedAt} by {m.generatedBy.email} ({m.generatedBy.role})
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-600">Filters</dt>
                  <dd className="font-mono text-xs">
                    {Object.entries(m.filters)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ') || 'none'}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-600">Chain head</dt>
                  <dd className="font-mono text-xs">
                    event {m.chainHead?.eventId ?? '—'}
                    {m.chainHead?.hash ? ` · ${m.chainHead.hash}` : ''}
                    {result.headInThisTrail === true && <Badge tone="green">in this server’s trail</Badge>}
                    {result.headInThisTrail === false && <Badge tone="red">differs from this server’s trail</Badge>}
                  </dd>
                </div>
              </>
            )}
            {result.chain && (
              <div className="sm:col-span-2">
                <dt className="text-slate-600">Hash chain</dt>
                <dd>{describeChain(result.chain)}</dd>
              </div>
            )}
          </dl>
          {result.files.length > 0 && (
            <Table caption="Files in the bundle">
              <TableHead headings={['File', 'Result', 'Filters', 'Rows', 'Bytes', 'SHA-256 (manifest)']} />
              <tbody>
                {result.files.map((f) => (
                  <tr key={f.name}>
                    <Td className="font-mono text-xs whitespace-nowrap">{f.name}</Td>
                    <Td>
                      <Badge tone={f.ok ? 'green' : 'red'}>{f.ok ? 'matches' : 'does not match'}</Badge>
                    </Td>
                    <Td className="font-mono text-xs">{fileFilters(m, f.name)}</Td>
                    <Td>
                      {f.actual.rows ?? '?'} / {f.expected.rows}
                    </Td>
                    <Td>
                      {f.actual.bytes ?? '?'} / {f.expected.bytes}
                    </Td>
                    <Td className="max-w-48 truncate font-mono text-xs" title={f.expected.sha256}>
                      {f.expected.sha256}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>
      )}
    </div>
  );
}

function describeChain(chain: ChainContinuity): string {
  const parts = [`${chain.eventsChecked} event hashes recomputed`, `${chain.linksChecked} links checked`];
  if (chain.gaps) parts.push(`${chain.gaps} gap${chain.gaps === 1 ? '' : 's'} where the filters left events out`);
  if (chain.unchained) parts.push(`${chain.unchained} events from before the chain (not verifiable)`);
  if (chain.reachesHead === true) parts.push('ends at the chain head');
  return `${parts.join(' · ')}${chain.problems.length ? ' — with problems (listed above)' : ''}.`;
}
