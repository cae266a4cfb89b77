// Reading, re-packing and re-signing evidence bundles in tests: what someone tampering with
// a bundle would do, so the verifier can be shown to catch it.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { manifestBytes, signManifest, ZBundleManifest, type TBundleManifest } from '@/lib/export/bundle/manifest';
import type { Caller } from '@/lib/auth/caller';
import { exportEvidenceBundle } from '@/lib/export/bundle/evidence-bundle';
import { parseAuditListQuery } from '@/lib/validation/audit-list';

export const streamText = (stream: Readable) => new Response(Readable.toWeb(stream) as unknown as ReadableStream).text();
export const streamBytes = async (stream: Readable) => Buffer.from(await new Response(Readable.toWeb(stream) as unknown as ReadableStream).arrayBuffer());

/** Every file an evidence bundle holds, in name order. */
export const BUNDLE_FILE_NAMES = ['access-events.csv', 'access-events.jsonl', 'audit-events.csv', 'audit-events.jsonl', 'manifest.json', 'manifest.sig'];

/** A bundle for the audit trail's URL filters, as downloaded. */
export async function makeBundle(caller: Caller, params: Record<string, string>): Promise<Buffer> {
  return streamBytes((await exportEvidenceBundle(caller, parseAuditListQuery(params))).stream);
}

export async function readZip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', async (entry: yauzl.Entry) => {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks));
      zip.readEntry();
    });
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.readEntry();
  });
  return files;
}

export async function writeZip(files: Map<string, Buffer>): Promise<Buffer> {
  const archive = new ZipArchive();
  const done = streamBytes(archive);
  for (const [name, content] of files) archive.append(content, { name });
  await archive.finalize();
  return done;
}

export const readManifest = (files: Map<string, Buffer>) => ZBundleManifest.parse(JSON.parse(files.get('manifest.json')!.toString()));

/**
 * A forger's bundle: the files as changed, a manifest rebuilt to match them (hashes, sizes,
 * row counts, any manifest edit) and signed with a fresh key of the forger's own.
 */
export async function forgeBundle(files: Map<string, Buffer>, editManifest: (m: TBundleManifest) => TBundleManifest = (m) => m): Promise<Buffer> {
  const key = generateKeyPairSync('ed25519');
  const original = readManifest(files);
  const rebuilt = editManifest({
    ...original,
    files: original.files.map((f) => {
      const content = files.get(f.name)!;
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (sha256 === f.sha256) return f;
      const lines = content.toString('utf8').split('\n').filter(Boolean).length;
      return {
        ...f,
        bytes: content.length,
        sha256,
        rows: f.format === 'csv' ? lines - 1 : lines,
      };
    }),
    signature: { ...original.signature, publicKey: key.publicKey.export({ format: 'pem', type: 'spki' }).toString() },
  });
  const bytes = manifestBytes(rebuilt);
  return writeZip(new Map(files).set('manifest.json', bytes).set('manifest.sig', signManifest(bytes, key.privateKey)));
}
