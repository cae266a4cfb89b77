// Verifies an evidence bundle: the manifest's Ed25519 signature (against the key in the
// bundle, or a trusted key the verifier supplies), then every file the manifest lists:
// present, the same SHA-256 and size, the same number of rows (CSV records after the
// header, JSON Lines objects), and no file in the zip the manifest does not list. Then
// the hash chain's continuity across the exported audit events (lib/export/bundle/chain.ts),
// recomputed from the JSON Lines file: the signature proves who made the bundle, the
// chain proves the events are the ones the trail recorded, in order, up to its head.
// Reads each entry as a stream, so a large bundle is checked in constant memory.
// Every problem is named; the bundle is valid only when there are none.
//
// A bundle is untrusted input: limits on the entries' total uncompressed size (declared
// sizes checked before anything is inflated, bytes counted as they are), on the number of
// entries and of manifest files, and on the length of one line or CSV record end a zip
// bomb, a gigabyte-long line or a manifest that lists one entry thousands of times at
// once, with a problem that names the limit.
import { createHash, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import yauzl from 'yauzl';
import { readAtMost } from '@/lib/read-at-most';
import { MANIFEST_FILE, SIGNATURE_FILE, ZBundleManifest, parsePublicKey, verifyManifestSignature, type TBundleFile, type TBundleManifest } from './manifest';
import { ChainContinuityCheck, type ChainContinuity } from './chain';

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

export type VerifyLimits = {
  /** The entries' uncompressed sizes added up: as declared in the zip, and as read. */
  maxUncompressedBytes: number;
  /** Entries in the zip, and files the manifest lists (each at most once). */
  maxFiles: number;
  /** One JSON Lines line or one CSV record. */
  maxLineBytes: number;
};

const MiB = 1024 * 1024;

/** For bundles uploaded to the server (at most 10 MB compressed). */
export const SERVER_VERIFY_LIMITS: VerifyLimits = { maxUncompressedBytes: 256 * MiB, maxFiles: 32, maxLineBytes: 1 * MiB };
/** For `npm run audit:verify-bundle` on an operator's own machine: a whole trail's bundle. */
export const CLI_VERIFY_LIMITS: VerifyLimits = { ...SERVER_VERIFY_LIMITS, maxUncompressedBytes: 64 * 1024 * MiB };

export type VerifyOptions = { trustedPublicKey?: string | KeyObject; limits?: VerifyLimits };

/** A limit the bundle goes past: verification stops there, naming the limit. */
class BundleLimitError extends Error {}

const MAX_MANIFEST_BYTES = 1024 * 1024;
/** The export source whose rows carry the hash chain (lib/export/sources/audit-events.ts). */
const AUDIT_EVENTS_SOURCE = 'audit-events';

const formatBytes = (n: number) => (n >= 1024 * MiB ? `${n / (1024 * MiB)} GiB` : n >= MiB ? `${n / MiB} MiB` : `${n} bytes`);

const tooLarge = (limit: number) =>
  new BundleLimitError(`The bundle is larger than ${formatBytes(limit)} uncompressed, the limit for verifying it here. Not verified further.`);

/** Counts the bytes inflated across all entries against the limit (declared sizes can lie). */
function byteBudget(limit: number) {
  let used = 0;
  return (n: number) => {
    used += n;
    if (used > limit) throw tooLarge(limit);
  };
}

/**
 * SHA-256, size and row count of an entry in one pass. A file that no longer parses still
 * gets its hash and size checked; its rows are then reported as unreadable. A line or
 * record longer than the limit ends the verification (BundleLimitError).
 */
async function measure(stream: Readable, file: TBundleFile, limits: VerifyLimits, spend: (bytes: number) => void, onRecord?: (record: unknown) => void) {
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  let rowError: string | null = null;
  let tooLong: BundleLimitError | null = null;
  const lineLimit = () =>
    new BundleLimitError(`${file.name}: line ${records + 1} is longer than ${formatBytes(limits.maxLineBytes)}, the limit for one line. Not verified further.`);
  const fail = (error: unknown) => {
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') tooLong ??= lineLimit();
    else rowError ??= describeError(error);
  };

  let feed: (chunk: Buffer) => Promise<void>;
  let close: () => Promise<void>;
  if (file.format === 'csv') {
    // The record delimiter given, not discovered: while discovering, csv-parse keeps every
    // byte of a delimiter-less file and concatenates it again with each chunk (quadratic).
    const parser = parseCsv({ bom: true, relax_column_count: true, record_delimiter: ['\n', '\r\n'], max_record_size: limits.maxLineBytes });
    parser.on('data', () => records++);
    parser.on('error', fail);
    feed = async (chunk) => {
      // once() also settles (rejecting) on 'error', which `fail` has recorded.
      if (!parser.write(chunk) && !rowError && !tooLong) await once(parser, 'drain').catch(() => {});
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
    }, limits.maxLineBytes);
    feed = async (chunk) => {
      try {
        lines.write(chunk);
      } catch (error) {
        if (!(error instanceof LineTooLongError)) throw error;
        tooLong ??= lineLimit();
      }
    };
    close = async () => lines.end();
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    spend(chunk.length);
    hash.update(chunk);
    bytes += chunk.length;
    if (!rowError) await feed(chunk);
    if (tooLong) {
      stream.destroy();
      throw tooLong;
    }
  }
  if (!rowError) await close();
  if (tooLong) throw tooLong;
  // A CSV file's first record is its header.
  const rows = rowError ? null : file.format === 'csv' ? Math.max(records - 1, 0) : records;
  return { rows, bytes, sha256: hash.digest('hex'), rowError };
}

/** A line went past lineSplitter's limit. */
export class LineTooLongError extends Error {}

/**
 * Calls onLine with each line of a byte stream; lines and characters may span chunks.
 * Linear in the input: a line's pieces are kept as they came and joined once, when its
 * newline arrives (a newline byte never occurs inside a multi-byte UTF-8 character). A
 * line longer than maxLineBytes throws LineTooLongError instead of growing without end.
 */
export function lineSplitter(onLine: (line: string) => void, maxLineBytes = Number.POSITIVE_INFINITY) {
  let pieces: Buffer[] = [];
  let pending = 0;
  const emit = (last: Buffer) => {
    onLine((pieces.length ? Buffer.concat([...pieces, last]) : last).toString('utf8'));
    pieces = [];
    pending = 0;
  };
  return {
    write(chunk: Buffer) {
      let start = 0;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
        if (pending + at - start > maxLineBytes) throw new LineTooLongError();
        emit(chunk.subarray(start, at));
        start = at + 1;
      }
      if (start < chunk.length) {
        pending += chunk.length - start;
        if (pending > maxLineBytes) throw new LineTooLongError();
        pieces.push(chunk.subarray(start));
      }
    },
    end() {
      emit(Buffer.alloc(0));
    },
  };
}

async function openZip(input: string | Buffer): Promise<yauzl.ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  return typeof input === 'string' ? yauzl.openPromise(input, options) : yauzl.fromBufferPromise(input, options);
}

/** The entries by name, once their count and declared sizes are within the limits. */
async function listEntries(zip: yauzl.ZipFile, limits: VerifyLimits): Promise<Map<string, yauzl.Entry>> {
  const maxEntries = limits.maxFiles + 2; // the files, the manifest and its signature
  if (zip.entryCount > maxEntries) {
    throw new BundleLimitError(`The bundle holds ${zip.entryCount} entries; the limit is ${maxEntries}. Not verified further.`);
  }
  const entries = new Map<string, yauzl.Entry>();
  let declared = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > limits.maxUncompressedBytes) {
        reject(tooLarge(limits.maxUncompressedBytes));
        return;
      }
      if (entries.has(entry.fileName)) {
        reject(new BundleLimitError(`${entry.fileName}: in the bundle twice. Not verified further.`));
        return;
      }
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
  try {
    await check(input, options, options.limits ?? SERVER_VERIFY_LIMITS, result);
  } catch (error) {
    if (!(error instanceof BundleLimitError)) throw error;
    result.problems.push(error.message);
  }
  result.ok = result.problems.length === 0 && result.signature === 'valid';
  return result;
}

/** Fills in `result`; a BundleLimitError ends it where the limit was passed. */
async function check(input: string | Buffer, options: VerifyOptions, limits: VerifyLimits, result: BundleVerification): Promise<void> {
  let zip: yauzl.ZipFile;
  let entries: Map<string, yauzl.Entry>;
  try {
    zip = await openZip(input);
  } catch (error) {
    result.problems.push(`The file is not a readable zip archive (${describeError(error)}).`);
    return;
  }
  try {
    try {
      entries = await listEntries(zip, limits);
    } catch (error) {
      if (error instanceof BundleLimitError) throw error;
      result.problems.push(`The file is not a readable zip archive (${describeError(error)}).`);
      return;
    }
    const spend = byteBudget(limits.maxUncompressedBytes);
    const read = async (name: string) => {
      const entry = entries.get(name);
      if (!entry) return null;
      const bytes = await readAtMost(
        await zip.openReadStreamPromise(entry),
        MAX_MANIFEST_BYTES,
        () => new BundleLimitError(`${name}: larger than ${formatBytes(MAX_MANIFEST_BYTES)}; a bundle's is a few kilobytes. Not verified further.`),
      ).catch((error: unknown) => {
        if (error instanceof BundleLimitError) throw error;
        return null;
      });
      if (bytes) spend(bytes.length);
      return bytes;
    };
    const manifestRaw = await read(MANIFEST_FILE);
    const signatureRaw = await read(SIGNATURE_FILE);
    if (!manifestRaw) {
      result.problems.push(`${MANIFEST_FILE}: missing or unreadable.`);
      return;
    }
    let manifest: TBundleManifest;
    try {
      manifest = ZBundleManifest.parse(JSON.parse(manifestRaw.toString('utf8')));
    } catch {
      result.problems.push(`${MANIFEST_FILE}: not a valid evidence-bundle manifest.`);
      return;
    }
    result.manifest = manifest;
    checkManifestFiles(manifest, limits);

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
          const { rowError, ...actual } = await measure(await zip.openReadStreamPromise(entry), file, limits, spend, onRecord);
          check.actual = actual;
          if (actual.sha256 !== file.sha256) check.problems.push(`${file.name}: SHA-256 does not match the manifest.`);
          if (actual.bytes !== file.bytes) check.problems.push(`${file.name}: size ${actual.bytes} bytes, the manifest says ${file.bytes}.`);
          if (rowError) check.problems.push(`${file.name}: its rows cannot be read (${rowError}).`);
          else if (actual.rows !== file.rows) check.problems.push(`${file.name}: ${actual.rows} rows, the manifest says ${file.rows}.`);
        } catch (error) {
          if (error instanceof BundleLimitError) throw error;
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
  } finally {
    zip.close();
  }
}

/** Each listed file is read and hashed in full: a manifest may list few, each once. */
function checkManifestFiles(manifest: TBundleManifest, limits: VerifyLimits): void {
  if (manifest.files.length > limits.maxFiles) {
    throw new BundleLimitError(`${MANIFEST_FILE}: lists ${manifest.files.length} files; the limit is ${limits.maxFiles}. Not verified further.`);
  }
  const seen = new Set<string>();
  for (const { name } of manifest.files) {
    if (seen.has(name)) throw new BundleLimitError(`${MANIFEST_FILE}: lists ${name} more than once. Not verified further.`);
    seen.add(name);
  }
}
