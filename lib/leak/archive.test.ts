// Zip uploads as scan units: text files yielded by name, binaries / nested archives /
// oversized entries skipped and counted, bombs and floods refused in our words.
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { describe, expect, it } from 'vitest';
import { archiveUnits, type ArchiveSkip } from '@/lib/leak/archive';
import type { ScanUnit } from '@/lib/leak/types';

const streamBytes = async (stream: Readable) => Buffer.from(await new Response(Readable.toWeb(stream) as unknown as ReadableStream).arrayBuffer());

async function zipOf(entries: [string, Buffer | string][], level = 6): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level } });
  const done = streamBytes(archive);
  for (const [name, content] of entries) archive.append(content, { name });
  await archive.finalize();
  return done;
}

async function collect(zip: Buffer, limits: Parameters<typeof archiveUnits>[1] = {}) {
  const units: ScanUnit[] = [];
  for await (const unit of archiveUnits(zip, limits)) units.push(unit);
  return units;
}

describe('archiveUnits', () => {
  it('yields each text file with its path, and skips binaries, nested archives and oversized entries', async () => {
    const zip = await zipOf([
      ['repo/.env', 'API_KEY=abc123def456ghi\n'],
      ['repo/src/app.ts', 'export const x = 1;\n'],
      ['repo/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])],
      ['repo/vendor.zip', 'PK nested'],
      ['repo/big.log', 'y'.repeat(3000)],
    ]);
    const skipped: [ArchiveSkip, string][] = [];
    const units = await collect(zip, { maxEntryBytes: 2000, onSkip: (reason, p) => skipped.push([reason, p]) });
    expect(units).toEqual([
      { text: 'API_KEY=abc123def456ghi\n', location: { path: 'repo/.env', commit: null, authorDate: null } },
      { text: 'export const x = 1;\n', location: { path: 'repo/src/app.ts', commit: null, authorDate: null } },
    ]);
    expect(skipped).toEqual([
      ['binary', 'repo/logo.png'],
      ['archive', 'repo/vendor.zip'],
      ['large', 'repo/big.log'],
    ]);
  });

  it('refuses a zip bomb by its compression ratio before inflating it', async () => {
    const zip = await zipOf([['bomb.txt', Buffer.alloc(8 * 1024 * 1024, 0x61)]], 9);
    await expect(collect(zip)).rejects.toThrow(/bomb\.txt: compressed \d+ to 1, which only a zip bomb does/);
  });

  it('refuses too many entries and too much inflated data', async () => {
    const many = await zipOf(Array.from({ length: 12 }, (_, i): [string, string] => [`f${i}.txt`, 'text']));
    await expect(collect(many, { maxEntries: 10 })).rejects.toThrow('The zip archive holds 12 entries; the limit is 10.');
    const big = await zipOf(Array.from({ length: 3 }, (_, i): [string, string] => [`f${i}.txt`, 'z'.repeat(1000)]));
    await expect(collect(big, { maxTotalBytes: 2500 })).rejects.toThrow('The zip archive inflates to more than 2500 bytes, the limit for a scan.');
  });

  it('refuses what is not a zip archive', async () => {
    await expect(collect(Buffer.from('just some text, not a zip'))).rejects.toThrow('The file is not a readable zip archive.');
  });
});
