// Verifies an evidence bundle: the manifest's Ed25519 signature (against the key in the
// bundle, or a trusted key the verifier supplies), then every file the manifest lists:
// present, the same SHA-256 and size, the same number of rows (CSV records after the
// header, JSON Lines objects), and no file in the zip the manifest does not list. Then
// the hash chain's continuity across the exported audit events (lib/audit/bundle-chain.ts),
// recomputed from the JSON Lines file: the signature proves who made the bundle, the
// chain proves the events are the ones the trail recorded, in order, up to its head.
// Reads each entry as a stream, so a large bundle is checked in constant memory.
// Every problem is named; the bundle is valid only when there are none.
import { createHash, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { finished } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import yauzl from 'yauzl';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  ZBundleManifest,
  parsePublicKey,
  verifyManifestSignature,
  type TBundleFile,
  type TBundleManifest,
} from './bundle-manifest';
import { ChainContinuityCheck, type ChainContinuity } from './bundle-chain';

export type FileCheck = {
  name: string;
  ok: boolean;
  expected: { rows: number; bytes: number; sha256: string };
  actual: { rows: number | null; bytes: number | null; sha256: string | null };
  problems: string[];
};

export type BundleVerification = {
  ok: boolean;
  signature: 'valid' | 'invalid' | 'missing';
  /** true: checked against the trusted key given; false: only against the bundle's own key. */
  signerTrusted: boolean;
  manifest: TBundleManifest | null;
  files: FileCheck[];
  /** The audit events' hash chain as exported (null: the bundle has no audit events JSON Lines file). */
  chain: ChainContinuity | null;
  /** Every mismatch, each naming the file (or manifest part) it concerns. */
  problems: string[];
};

export type VerifyOptions = { trustedPublicKey?: string | KeyObject };

const MAX_MANIFEST_BYTES = 1024 * 1024;
/** The export source whose rows carry the hash chain (lib/data/audit-export.ts). */
const AUDIT_EVENTS_SOURCE = 'audit-events';

async function readAll(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * SHA-256, size and row count of an entry in one pass. A file that no longer parses still
 * gets its hash and size checked; its rows are then reported as unreadable.
 */
async function measure(stream: Readable, format: TBundleFile['format'], onRecord?: (record: unknown) => void) {
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  let rowError: string | null = null;
  const fail = (error: unknown) => (rowError ??= describeError(error));

  let feed: (chunk: Buffer) => Promise<void>;
  let close: () => Promise<void>;
  if (format === 'csv') {
    const parser = parseCsv({ bom: true, relax_column_count: true });
    parser.on('data', () => records++);
    parser.on('error', fail);
    feed = async (chunk) => {
      // once() also settles (rejecting) on 'error', which `fail` has recorded.
      if (!parser.write(chunk) && !rowError) await once(parser, 'drain').catch(() => {});
    };
    close = async () => {
      parser.end();
      await finished(parser).catch(fail);
    };
  } else {
    const lines = lineSplitter((text) => {
      if (!text.trim()) return;
      try {
        const record: unknown = JSON.parse(text);
        records++;
        onRecord?.(record);
      } catch {
        fail(new Error(`line ${records + 1} is not JSON`));
      }
    });
    feed = async (chunk) => lines.write(chunk);
    close = async () => lines.end();
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (!rowError) await feed(chunk);
  }
  if (!rowError) await close();
  // A CSV file's first record is its header.
  const rows = rowError ? null : format === 'csv' ? Math.max(records - 1, 0) : records;
  return { rows, bytes, sha256: hash.digest('hex'), rowError };
}

/** Calls onLine with each line of a byte stream; lines and characters may span chunks. */
export function lineSplitter(onLine: (line: string) => void) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return {
    write(chunk: Buffer) {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    },
    end() {
      onLine(pending + decoder.end());
    },
  };
}

async function openZip(input: string | Buffer): Promise<yauzl.ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  return typeof input === 'string' ? yauzl.openPromise(input, options) : yauzl.fromBufferPromise(input, options);
}

async function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return entries;
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function verifyBundle(input: string | Buffer, options: VerifyOptions = {}): Promise<BundleVerification> {
  const result: BundleVerification = {
    ok: false,
    signature: 'missing',
    signerTrusted: false,
    manifest: null,
    files: [],
    chain: null,
    problems: [],
  };
  let zip: yauzl.ZipFile;
  let entries: Map<string, yauzl.Entry>;
  try {
    zip = await openZip(input);
    entries = await listEntries(zip);
  } catch (error) {
    result.problems.push(`The file is not a readable zip archive (${describeError(error)}).`);
    return result;
  }
  try {
    const read = async (name: string) => {
      const entry = entries.get(name);
      if (!entry) return null;
      return readAll(await zip.openReadStreamPromise(entry), MAX_MANIFEST_BYTES);
    };
    const manifestRaw = await read(MANIFEST_FILE).catch(() => null);
    const signatureRaw = await read(SIGNATURE_FILE).catch(() => null);
    if (!manifestRaw) {
      result.problems.push(`${MANIFEST_FILE}: missing or unreadable.`);
      return result;
    }
    let manifest: TBundleManifest;
    try {
      manifest = ZBundleManifest.parse(JSON.parse(manifestRaw.toString('utf8')));
    } catch {
      result.problems.push(`${MANIFEST_FILE}: not a valid evidence-bundle manifest.`);
      return result;
    }
    result.manifest = manifest;

    // The signature: always over the exact manifest bytes.
    let key: KeyObject | null = null;
    try {
      const bundled = parsePublicKey(manifest.signature.publicKey);
      if (options.trustedPublicKey) {
        const trusted = typeof options.trustedPublicKey === 'string' ? parsePublicKey(options.trustedPublicKey) : options.trustedPublicKey;
        result.signerTrusted = true;
        if (!trusted.equals(bundled)) result.problems.push(`${MANIFEST_FILE}: signed with a key other than the trusted public key.`);
        key = trusted;
      } else {
        key = bundled;
      }
    } catch {
      result.problems.push(`${MANIFEST_FILE}: the public key cannot be read.`);
    }
    if (!signatureRaw) {
      result.problems.push(`${SIGNATURE_FILE}: missing.`);
    } else if (key) {
      result.signature = verifyManifestSignature(manifestRaw, signatureRaw, key) ? 'valid' : 'invalid';
      if (result.signature === 'invalid') result.problems.push(`${SIGNATURE_FILE}: the signature does not match ${MANIFEST_FILE}.`);
    } else {
      result.signature = 'invalid';
    }

    // The files; the audit events' JSON Lines file also feeds the chain check.
    const chainFile = manifest.files.find((f) => f.source === AUDIT_EVENTS_SOURCE && f.format === 'jsonl');
    const chainCheck = chainFile ? new ChainContinuityCheck(chainFile.name, Object.keys(chainFile.filters ?? manifest.filters).length === 0) : null;
    for (const file of manifest.files) {
      const check: FileCheck = {
        name: file.name,
        ok: false,
        expected: { rows: file.rows, bytes: file.bytes, sha256: file.sha256 },
        actual: { rows: null, bytes: null, sha256: null },
        problems: [],
      };
      const entry = entries.get(file.name);
      if (!entry) {
        check.problems.push(`${file.name}: missing from the bundle.`);
      } else {
        try {
          const onRecord = file === chainFile ? (record: unknown) => chainCheck?.add(record) : undefined;
          const { rowError, ...actual } = await measure(await zip.openReadStreamPromise(entry), file.format, onRecord);
          check.actual = actual;
          if (actual.sha256 !== file.sha256) check.problems.push(`${file.name}: SHA-256 does not match the manifest.`);
          if (actual.bytes !== file.bytes) check.problems.push(`${file.name}: size ${actual.bytes} bytes, the manifest says ${file.bytes}.`);
          if (rowError) check.problems.push(`${file.name}: its rows cannot be read (${rowError}).`);
          else if (actual.rows !== file.rows) check.problems.push(`${file.name}: ${actual.rows} rows, the manifest says ${file.rows}.`);
        } catch (error) {
          check.problems.push(`${file.name}: cannot be read (${describeError(error)}).`);
        }
      }
      check.ok = check.problems.length === 0;
      result.files.push(check);
      result.problems.push(...check.problems);
    }
    if (chainCheck) {
      result.chain = chainCheck.finish(manifest.chainHead);
      result.problems.push(...result.chain.problems);
    } else {
      result.problems.push(`${MANIFEST_FILE}: lists no audit events JSON Lines file, so the hash chain cannot be checked.`);
    }
    const listed = new Set([MANIFEST_FILE, SIGNATURE_FILE, ...manifest.files.map((f) => f.name)]);
    for (const name of entries.keys()) if (!listed.has(name)) result.problems.push(`${name}: in the bundle but not in the manifest.`);

    result.ok = result.problems.length === 0 && result.signature === 'valid';
    return result;
  } finally {
    zip.close();
  }
}
