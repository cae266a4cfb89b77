// An uploaded zip (a repository's files, a folder of logs) as scan units, one per file,
// read in memory with limits: entry count, size per entry, total inflated size, and the
// compression ratio (a zip bomb is refused before it is inflated, and inflated bytes are
// checked against the declared sizes). Binaries, nested archives, encrypted and oversized
// entries are skipped and counted. Nothing is written to disk.
import yauzl from 'yauzl';
import { InputError } from '@/lib/errors';
import { readAtMost } from '@/lib/read-at-most';
import { isBinary } from '@/lib/leak/git-history';
import type { ScanUnit } from '@/lib/leak/types';

const MiB = 1024 * 1024;

export type ArchiveLimits = {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB (text compresses about 10:1; bombs 1000:1). */
  maxRatio: number;
};

export const ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 10_000, maxEntryBytes: 20 * MiB, maxTotalBytes: 200 * MiB, maxRatio: 200 };

export type ArchiveSkip = 'large' | 'binary' | 'archive' | 'encrypted';

const NESTED_ARCHIVE = /\.(zip|jar|war|ear|apk|aar|tar|tgz|gz|bz2|xz|zst|7z|rar|whl|nupkg|bundle)$/i;

const formatBytes = (n: number) => (n >= MiB ? `${Math.round(n / MiB)} MB` : `${n} bytes`);

/**
 * The text files of a zip archive, one unit each (path = the entry's name). Throws an
 * InputError for an unreadable archive, too many entries, too much inflated data or a
 * suspicious compression ratio; skips (onSkip) binaries, nested archives, encrypted and
 * oversized entries.
 */
export async function* archiveUnits(
  zip: Buffer,
  limits: Partial<ArchiveLimits> & { onSkip?(reason: ArchiveSkip, path: string): void } = {},
): AsyncIterable<ScanUnit> {
  const { maxEntries, maxEntryBytes, maxTotalBytes, maxRatio } = { ...ARCHIVE_LIMITS, ...limits };
  let file: yauzl.ZipFile;
  try {
    file = await yauzl.fromBufferPromise(zip, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new InputError('The file is not a readable zip archive.');
  }
  try {
    if (file.entryCount > maxEntries) {
      throw new InputError(`The zip archive holds ${file.entryCount.toLocaleString('en-US')} entries; the limit is ${maxEntries.toLocaleString('en-US')}.`);
    }
    let total = 0;
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          file.off('end', onEnd);
          file.off('error', onError);
          resolve(e);
        };
        const onEnd = () => {
          file.off('entry', onEntry);
          file.off('error', onError);
          resolve(null);
        };
        const onError = (error: unknown) => {
          file.off('entry', onEntry);
          file.off('end', onEnd);
          reject(error);
        };
        file.once('entry', onEntry);
        file.once('end', onEnd);
        file.once('error', onError);
        file.readEntry();
      }).catch(() => {
        throw new InputError('The zip archive is damaged: its list of files cannot be read.');
      });
      if (entry === null) return;
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (entry.isEncrypted()) {
        limits.onSkip?.('encrypted', name);
        continue;
      }
      if (NESTED_ARCHIVE.test(name)) {
        limits.onSkip?.('archive', name);
        continue;
      }
      if (entry.uncompressedSize > maxEntryBytes) {
        limits.onSkip?.('large', name);
        continue;
      }
      if (entry.uncompressedSize > MiB && entry.uncompressedSize > maxRatio * Math.max(1, entry.compressedSize)) {
        throw new InputError(
          `${name}: compressed ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} to 1, which only a zip bomb does; the archive was not scanned.`,
        );
      }
      total += entry.uncompressedSize;
      if (total > maxTotalBytes) {
        throw new InputError(`The zip archive inflates to more than ${formatBytes(maxTotalBytes)}, the limit for a scan.`);
      }
      let bytes: Buffer;
      try {
        bytes = await readAtMost(
          await file.openReadStreamPromise(entry),
          entry.uncompressedSize,
          () => new InputError('A file in the zip archive inflates to more than it declares; the archive was not scanned further.'),
        );
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new InputError(`${name}: cannot be read from the zip archive (damaged, or an unsupported compression).`);
      }
      if (isBinary(bytes)) {
        limits.onSkip?.('binary', name);
        continue;
      }
      yield { text: bytes.toString('utf8'), location: { path: name, commit: null, authorDate: null } };
    }
  } finally {
    file.close();
  }
}
