// The evidence bundle: a zip with the audit events for the filters and the provider access
// events that go with them (lib/validation/access-export: accessQueryForAudit), each as CSV
// and as JSON Lines, then manifest.json (filters, time range, who and when, each file's
// filters, row count, SHA-256 and size, the chain head) and manifest.sig (Ed25519 over the
// manifest bytes).
// Everything streams: each zip entry is read from the database as the client downloads,
// its hash and row count taken on the way through; the manifest is written last.
import 'server-only';
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import {
  BUNDLE_FORMAT,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  manifestBytes,
  signManifest,
  type TBundleFile,
  type TBundleManifest,
} from '@/lib/export/bundle/manifest';
import { currentChainHead, type ChainHead } from '@/lib/audit/chain-head';
import { signingKey } from '@/lib/audit/signing-key';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { encodeExport } from '@/lib/export/encode';
import { EXPORT_FORMATS, type ExportFormat, type ExportSource } from '@/lib/export/source';
import { log } from '@/lib/log';
import { accessQueryForAudit } from '@/lib/validation/access-export';
import { rangeEnd, rangeStart, type TAuditListQuery } from '@/lib/validation/audit-list';
import { accessEventsSource } from '@/lib/export/sources/access-events';
import { auditEventsSource } from '@/lib/export/sources/audit-events';
import { EXPORT_AUDIT_ACTION, EXPORT_TARGET_TYPE, auditExportEnd, parsed, type ExportDownload, type Parsed } from '@/lib/export/run';

/** Hashes and measures bytes passing through. */
function digesting() {
  const hash = createHash('sha256');
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ sha256: hash.digest('hex'), bytes }) };
}

/** One source's share of a bundle: its query and pin bound in, so sources of any type mix. */
type Part = { name: string; filters: Record<string, string>; encode: (format: ExportFormat) => ReturnType<typeof encodeExport> };

function part<Q, R>(source: ExportSource<Q, R>, query: Q, upTo: string | null): Part {
  return { name: source.name, filters: source.describe(query), encode: (format) => encodeExport(source, query, upTo, format) };
}

/** The sources a bundle holds, each pinned once so its two files cover the same records. */
async function bundleParts(query: TAuditListQuery, head: ChainHead | null): Promise<Part[]> {
  return [
    // Pinned to the chain head the manifest records (one snapshot), not a separate pin().
    part(auditEventsSource, query, head?.eventId ?? null),
    part(accessEventsSource, accessQueryForAudit(query), (await accessEventsSource.pin?.()) ?? null),
  ];
}

/** `queryOrParse` may be a parser (throwing InputError on a bad filter), run after the permission check. */
export async function exportEvidenceBundle(caller: Caller, queryOrParse: Parsed<TAuditListQuery>, now = new Date()): Promise<ExportDownload> {
  const user = await authorize(caller, 'audit.export', { action: EXPORT_AUDIT_ACTION, targetType: EXPORT_TARGET_TYPE });
  // The whole match is exported: a page cursor from a copied audit URL does not apply.
  const query = { ...parsed(queryOrParse), after: undefined };
  const key = signingKey(); // before streaming: a missing key is an error page, not a broken zip
  const head = await currentChainHead();
  const parts = await bundleParts(query, head);

  const archive = new ZipArchive({ zlib: { level: 6 } });
  const out = new PassThrough();
  archive.on('error', (error) => out.destroy(error));
  archive.pipe(out);

  const entries: Promise<TBundleFile>[] = [];
  const streams: Readable[] = [];
  let done = false;
  // A cancelled download: stop reading the database and give up the half-written zip.
  out.once('close', () => {
    if (done) return;
    archive.abort();
    for (const s of streams) s.destroy();
  });
  for (const { name: sourceName, filters, encode } of parts) {
    for (const format of EXPORT_FORMATS) {
      const name = `${sourceName}.${format}`;
      const { stream, ended } = encode(format);
      const digest = digesting();
      streams.push(stream, digest.transform);
      stream.on('error', (error) => digest.transform.destroy(error));
      stream.pipe(digest.transform);
      archive.append(digest.transform, { name, date: now });
      entries.push(
        (async () => {
          await finished(digest.transform);
          const end = await ended;
          return { name, source: sourceName, format, filters, rows: end.rows, ...digest.result() };
        })(),
      );
    }
  }

  const filters = auditEventsSource.describe(query);
  void (async () => {
    let files: TBundleFile[] = [];
    try {
      files = await Promise.all(entries);
      const manifest: TBundleManifest = {
        format: BUNDLE_FORMAT,
        version: 1,
        generatedAt: now.toISOString(),
        generatedBy: { id: user.id, email: user.email, role: user.role },
        filters,
        timeRange: {
          from: query.from ? rangeStart(query.from).toISOString() : null,
          to: query.to ? rangeEnd(query.to).toISOString() : null,
        },
        chainHead: head,
        files,
        signature: { algorithm: 'Ed25519', file: SIGNATURE_FILE, publicKey: key.publicKeyPem },
      };
      const bytes = manifestBytes(manifest);
      archive.append(bytes, { name: MANIFEST_FILE, date: now });
      archive.append(signManifest(bytes, key.privateKey), { name: SIGNATURE_FILE, date: now });
      await archive.finalize();
      done = true;
      await auditExportEnd(caller, { source: 'evidence-bundle', ...filters, ...rowCounts(files), complete: true }, true);
    } catch (error) {
      done = true;
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') log.error('evidence bundle failed', { error });
      archive.abort();
      out.destroy(error as Error);
      await auditExportEnd(caller, { source: 'evidence-bundle', ...filters, complete: false }, false);
    }
  })();

  const day = now.toISOString().slice(0, 10);
  return { stream: out as Readable, fileName: `evidence-bundle-${day}.zip`, contentType: 'application/zip' };
}

function rowCounts(files: TBundleFile[]): Record<string, number> {
  return Object.fromEntries(files.map((f) => [`rows.${f.name}`, f.rows]));
}
