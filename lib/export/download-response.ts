// Turns an export (or its refusal) into the HTTP response route handlers send: a streamed
// attachment, or JSON 401/403 for a denial (already audited by authorize), 400 naming a
// malformed filter, and 503 when the server lacks what the export needs (the signing key).
import 'server-only';
import { Readable } from 'node:stream';
import type { NextRequest } from 'next/server';
import { SigningKeyMissingError } from '@/lib/audit/signing-key';
import type { Caller } from '@/lib/auth/caller';
import type { ExportDownload } from '@/lib/data/exports';
import { ForbiddenError, InputError } from '@/lib/errors';

// no-transform: the server does not gzip downloads on the fly. An export is CPU-bound on the
// server and gzip cost about a quarter of its CPU (a bundle is a zip already).
const NO_STORE = { 'cache-control': 'no-store, no-transform' };

/** The first value of each query parameter. */
export function queryParams(request: NextRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of request.nextUrl.searchParams) params[k] ??= v;
  return params;
}

export async function downloadResponse(caller: Caller, start: () => Promise<ExportDownload>): Promise<Response> {
  let download: ExportDownload;
  try {
    download = await start();
  } catch (error) {
    if (error instanceof ForbiddenError) {
      return Response.json({ error: error.message }, { status: caller.user ? 403 : 401, headers: NO_STORE });
    }
    if (error instanceof InputError) {
      return Response.json({ error: error.message, fieldErrors: error.fieldErrors }, { status: 400, headers: NO_STORE });
    }
    if (error instanceof SigningKeyMissingError) return Response.json({ error: error.message }, { status: 503, headers: NO_STORE });
    throw error;
  }
  return new Response(Readable.toWeb(download.stream) as unknown as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': download.contentType,
      'content-disposition': `attachment; filename="${download.fileName}"`,
      ...NO_STORE,
    },
  });
}
