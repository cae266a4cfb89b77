// The one route handler of the export room (app/api/export/**): refuses cross-site
// requests, reads the caller and the query parameters, starts the export, and turns it
// (or its refusal) into the HTTP response: a streamed attachment, or JSON 401/403 for a
// denial (already audited by authorize), 400 naming a malformed filter, and 503 when the
// server lacks what the export needs (the signing key).
import 'server-only';
import { Readable } from 'node:stream';
import type { NextRequest } from 'next/server';
import { SigningKeyMissingError } from '@/lib/audit/signing-key';
import type { Caller } from '@/lib/auth/caller';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { ForbiddenError, InputError } from '@/lib/errors';
import type { ExportDownload } from '@/lib/export/run';

// no-transform: the server does not gzip downloads on the fly. An export is CPU-bound on the
// server and gzip cost about a quarter of its CPU (a bundle is a zip already).
export const NO_STORE = { 'cache-control': 'no-store, no-transform' };

/** The first value of each query parameter. */
export function queryParams(request: NextRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of request.nextUrl.searchParams) params[k] ??= v;
  return params;
}

/** A refusal as JSON: 401 for a signed-out caller, 403 otherwise (authorize has audited it). */
export function deniedResponse(caller: Caller, error: ForbiddenError, headers: Record<string, string> = NO_STORE): Response {
  return Response.json({ error: error.message }, { status: caller.user ? 403 : 401, headers });
}

export async function downloadResponse(caller: Caller, start: () => Promise<ExportDownload>): Promise<Response> {
  let download: ExportDownload;
  try {
    download = await start();
  } catch (error) {
    if (error instanceof ForbiddenError) return deniedResponse(caller, error);
    if (error instanceof InputError) {
      return Response.json({ error: error.message, fieldErrors: error.fieldErrors }, { status: 400, headers: NO_STORE });
    }
    if (error instanceof SigningKeyMissingError) return Response.json({ error: error.message }, { status: 503, headers: NO_STORE });
    throw error;
  }
  return attachmentResponse(download);
}

/** A started export as its streamed attachment (also the REST API's export answer). */
export function attachmentResponse(download: ExportDownload): Response {
  return new Response(Readable.toWeb(download.stream) as unknown as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': download.contentType,
      'content-disposition': `attachment; filename="${download.fileName}"`,
      ...NO_STORE,
    },
  });
}

/**
 * A GET handler for an export route. `start` gets the caller and the query parameters and
 * starts the export (exportRows or exportEvidenceBundle), passing its parsers rather than
 * parsed values so they run after the permission check.
 */
export function exportRoute(start: (caller: Caller, params: Record<string, string>) => Promise<ExportDownload>) {
  return async function GET(request: NextRequest): Promise<Response> {
    const refused = await refuseCrossSite(request);
    if (refused) return refused;
    const caller = await getCaller();
    const params = queryParams(request);
    return downloadResponse(caller, () => start(caller, params));
  };
}
