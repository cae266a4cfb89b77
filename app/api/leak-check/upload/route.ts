// POST /api/leak-check/upload?source=paste | ?source=file&name=<file name>: the body is the
// pasted text (at most 5 MB) or the file (at most 50 MB: text, a zip of a repository, a git
// bundle), read with a byte limit and kept in memory only. The answer streams NDJSON: a
// progress line {bytes, files, commits, candidates, findings} now and then, and a last line
// {scanId} (with `error` when the scan failed). Refusals come first, as JSON {error, code}.
//
// This route is outside proxy.ts's matcher (see there): its body streams here unbuffered,
// and it stamps its own request id, since no proxy overwrote what the client sent.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { MAX_LEAK_PASTE_BYTES, MAX_LEAK_UPLOAD_BYTES } from '@/lib/body-limits';
import { authorizeLeakScan, startUploadScan } from '@/lib/data/leak-scans';
import type { ScanProgress } from '@/lib/leak/types';
import { readBodyAtMost } from '@/lib/read-at-most';
import { jsonError, leakCaller, refusal } from '../request';

export const dynamic = 'force-dynamic';

/** Progress lines at most this often. */
const PROGRESS_EVERY_MS = 250;

export async function POST(request: NextRequest) {
  const who = await leakCaller(request, 'leak.scan_start');
  if ('refused' in who) return who.refused;
  const caller = { ...who.caller, request: { ...who.caller.request, requestId: randomUUID() } };
  const source = request.nextUrl.searchParams.get('source') === 'paste' ? 'paste' : 'file';
  const name = (request.nextUrl.searchParams.get('name') ?? '').slice(0, 300);
  try {
    await authorizeLeakScan(caller);
  } catch (error) {
    return refusal(caller, error);
  }
  const limit = source === 'paste' ? MAX_LEAK_PASTE_BYTES : MAX_LEAK_UPLOAD_BYTES;
  const bytes = await readBodyAtMost(request, limit);
  if (!bytes) {
    return jsonError(
      413,
      'too_large',
      source === 'paste'
        ? 'Pasted text is limited to 5 MB: upload it as a file.'
        : 'Files are limited to 50 MB: scan a repository with `npm run leak-check` instead.',
    );
  }
  let started;
  try {
    started = await startUploadScan(caller, { source, name, bytes });
  } catch (error) {
    return refusal(caller, error);
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A person who closes the page does not stop the scan: it finishes, and its page has the results.
      let open = true;
      const line = (value: object) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch {
          open = false;
        }
      };
      let last = 0;
      const onProgress = (p: ScanProgress) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        line({ bytes: p.bytes, files: p.files, commits: p.commits, candidates: p.candidates, findings: p.findings, skipped: p.skipped ?? 0 });
      };
      const result = await started.run(onProgress);
      line(result.error ? { scanId: result.scanId, error: result.error } : { scanId: result.scanId });
      if (open) controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store, no-transform' } });
}
