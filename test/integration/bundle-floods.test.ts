// Hostile evidence bundles uploaded for verification: a zip bomb, a 512 MB single line, a
// manifest that lists one entry thousands of times, too many entries. Each ends at once
// with a problem that names the limit, the server's memory stays bounded, and at most
// VERIFICATIONS_AT_ONCE verifications run at once (more are refused as busy).
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { NextRequest } from 'next/server';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/audit/verify-bundle/route';
import { BUNDLE_FORMAT, manifestBytes, signManifest, type TBundleManifest } from '@/lib/export/bundle/manifest';
import { CLI_VERIFY_LIMITS, verifyBundle } from '@/lib/export/bundle/verify';
import type { Caller } from '@/lib/auth/caller';
import { BUSY_MESSAGE, VERIFICATIONS_AT_ONCE, verifyUploadedBundle } from '@/lib/export/bundle/verify-upload';
import { BusyError } from '@/lib/errors';
import { streamBytes } from '../support/bundle-zip';
import { callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

// The real verifier, counted (and, when a test sets a gate, held) so concurrency shows.
const verifier = vi.hoisted(() => ({ active: 0, maxActive: 0, gate: null as Promise<void> | null }));
vi.mock('@/lib/export/bundle/verify', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/export/bundle/verify')>();
  return {
    ...original,
    verifyBundle: async (...args: Parameters<typeof original.verifyBundle>) => {
      verifier.active += 1;
      verifier.maxActive = Math.max(verifier.maxActive, verifier.active);
      try {
        if (verifier.gate) await verifier.gate;
        return await original.verifyBundle(...args);
      } finally {
        verifier.active -= 1;
      }
    },
  };
});

// The route handler reads the session through getCaller(); the tests say who is calling.
const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));

useTestDatabase();

const MB = 1024 * 1024;

/** `total` bytes of one character, made as they are read (nothing that size is held). */
function repeated(character: string, total: number): Readable {
  const chunk = Buffer.alloc(MB, character);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

async function zipOf(entries: [string, Buffer | Readable][]): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 1 } });
  const done = streamBytes(archive);
  for (const [name, content] of entries) archive.append(content, { name });
  await archive.finalize();
  return done;
}

const key = generateKeyPairSync('ed25519');
type Listed = { name: string; format: 'csv' | 'jsonl'; bytes: number };

/** A signed manifest listing `files` (hashes and row counts need not match: limits come first). */
function manifestOf(files: Listed[], compact = false): [string, Buffer][] {
  const manifest: TBundleManifest = {
    format: BUNDLE_FORMAT,
    version: 1,
    generatedAt: new Date().toISOString(),
    generatedBy: { id: 'x', email: 'x@example.test', role: 'auditor' },
    filters: {},
    timeRange: { from: null, to: null },
    chainHead: null,
    files: files.map((f) => ({ ...f, source: 'audit-events', rows: 1, sha256: '0'.repeat(64) })),
    signature: { algorithm: 'Ed25519', file: 'manifest.sig', publicKey: key.publicKey.export({ format: 'pem', type: 'spki' }).toString() },
  };
  const bytes = compact ? Buffer.from(JSON.stringify(manifest)) : manifestBytes(manifest);
  return [
    ['manifest.json', bytes],
    ['manifest.sig', signManifest(bytes, key.privateKey)],
  ];
}

let auditor: Caller;
const bundles = {} as Record<'bomb' | 'longLine' | 'longCsvRecord' | 'repeatedEntry' | 'tenThousand' | 'manyEntries', Buffer>;

beforeAll(async () => {
  auditor = await callerAs('auditor');
  const bomb = 300 * MB;
  bundles.bomb = await zipOf([...manifestOf([{ name: 'audit-events.jsonl', format: 'jsonl', bytes: bomb }]), ['audit-events.jsonl', repeated('\0', bomb)]]);
  const line = 512 * MB;
  bundles.longLine = await zipOf([...manifestOf([{ name: 'audit-events.jsonl', format: 'jsonl', bytes: line }]), ['audit-events.jsonl', repeated('a', line)]]);
  const record = 64 * MB;
  bundles.longCsvRecord = await zipOf([
    ...manifestOf([{ name: 'audit-events.csv', format: 'csv', bytes: record }]),
    ['audit-events.csv', repeated('a', record)],
  ]);
  const entry = 8 * MB;
  const listed = (n: number) => Array.from({ length: n }, (): Listed => ({ name: 'a', format: 'csv', bytes: entry }));
  bundles.repeatedEntry = await zipOf([...manifestOf(listed(1_000), true), ['a', repeated('\0', entry)]]);
  bundles.tenThousand = await zipOf([...manifestOf(listed(10_000), true), ['a', repeated('\0', entry)]]);
  bundles.manyEntries = await zipOf([...manifestOf([]), ...Array.from({ length: 40 }, (_, i): [string, Buffer] => [`extra-${i}.txt`, Buffer.from('x')])]);
  // Small compressed: each fits the upload limit.
  for (const zip of Object.values(bundles)) expect(zip.length).toBeLessThan(10 * MB);
}, 120_000);

afterEach(() => {
  verifier.gate = null;
});

describe('a hostile bundle uploaded for verification', () => {
  it('a zip bomb is refused from its declared size, before anything is inflated', async () => {
    const result = await verifyUploadedBundle(auditor, bundles.bomb);
    expect(result.ok).toBe(false);
    expect(result.files).toEqual([]);
    expect(result.problems).toEqual(['The bundle is larger than 256 MiB uncompressed, the limit for verifying it here. Not verified further.']);
  });

  it('a 512 MB single line: refused on the server by size, by the CLI at the line limit', async () => {
    expect((await verifyUploadedBundle(auditor, bundles.longLine)).problems).toEqual([
      'The bundle is larger than 256 MiB uncompressed, the limit for verifying it here. Not verified further.',
    ]);
    const cli = await verifyBundle(bundles.longLine, { limits: CLI_VERIFY_LIMITS });
    expect(cli.ok).toBe(false);
    expect(cli.problems).toEqual(['audit-events.jsonl: line 1 is longer than 1 MiB, the limit for one line. Not verified further.']);
  });

  it('a CSV record longer than the line limit ends the verification (csv-parse max_record_size)', async () => {
    const result = await verifyUploadedBundle(auditor, bundles.longCsvRecord);
    expect(result.problems).toEqual(['audit-events.csv: line 1 is longer than 1 MiB, the limit for one line. Not verified further.']);
  });

  it('a manifest listing one 8 MB entry 1,000 times is refused before any entry is read', async () => {
    const result = await verifyUploadedBundle(auditor, bundles.repeatedEntry);
    expect(result.files).toEqual([]);
    expect(result.problems).toEqual(['manifest.json: lists 1000 files; the limit is 32. Not verified further.']);
  });

  it('a manifest listing one entry 10,000 times is refused for its size', async () => {
    const result = await verifyUploadedBundle(auditor, bundles.tenThousand);
    expect(result.manifest).toBeNull();
    expect(result.problems).toEqual(["manifest.json: larger than 1 MiB; a bundle's is a few kilobytes. Not verified further."]);
  });

  it('too many entries in the zip are refused before any is read', async () => {
    const result = await verifyUploadedBundle(auditor, bundles.manyEntries);
    expect(result.problems).toEqual(['The bundle holds 42 entries; the limit is 34. Not verified further.']);
  });

  it('all of them at once keep the server’s memory bounded and run at most VERIFICATIONS_AT_ONCE at a time', async () => {
    verifier.maxActive = 0;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const hostile = [bundles.bomb, bundles.longCsvRecord, bundles.repeatedEntry, bundles.manyEntries];
      const results = await Promise.all(hostile.map((zip) => verifyUploadedBundle(auditor, zip)));
      expect(results.every((r) => !r.ok && r.problems.length === 1)).toBe(true);
      await verifyBundle(bundles.longLine, { limits: CLI_VERIFY_LIMITS });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(verifier.maxActive).toBeLessThanOrEqual(VERIFICATIONS_AT_ONCE);
    expect(peak - before).toBeLessThan(200 * MB);
  });
});

describe('verifications at once', () => {
  it('beyond the running ones and a short queue, the server says it is busy', async () => {
    let open!: () => void;
    verifier.gate = new Promise<void>((resolve) => (open = resolve));
    verifier.maxActive = 0;
    // While the gate holds every admitted verification, the first four to take a place run
    // or wait, whatever order their authorization finishes in; the rest are refused.
    const refused: unknown[] = [];
    const calls = Array.from({ length: 6 }, () =>
      verifyUploadedBundle(auditor, bundles.manyEntries).catch((e: unknown) => {
        refused.push(e);
        return e;
      }),
    );
    await vi.waitFor(() => expect(refused).toHaveLength(2));
    expect(verifier.active).toBe(VERIFICATIONS_AT_ONCE);
    open();
    const outcomes = await Promise.all(calls);
    const busy = outcomes.filter((o) => o instanceof BusyError);
    expect(busy).toHaveLength(2);
    expect(busy[0]).toMatchObject({ message: BUSY_MESSAGE, retryAfterSeconds: 60 });
    expect(outcomes.filter((o) => !(o instanceof Error))).toHaveLength(4);
    expect(verifier.maxActive).toBe(VERIFICATIONS_AT_ONCE);
  });

  it('the upload route answers a busy server with 503, Retry-After and the message', async () => {
    let open!: () => void;
    verifier.gate = new Promise<void>((resolve) => (open = resolve));
    session.caller = auditor;
    const post = () =>
      POST(
        new NextRequest('http://localhost/api/audit/verify-bundle', {
          method: 'POST',
          body: new Uint8Array(bundles.manyEntries),
          headers: { origin: 'http://localhost', host: 'localhost' },
        }),
      );
    const responses: Response[] = [];
    const calls = Array.from({ length: 5 }, () => post().then((r) => (responses.push(r), r)));
    await vi.waitFor(() => expect(responses).toHaveLength(1));
    open();
    await Promise.all(calls);
    const [busy] = responses;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('60');
    expect(await busy.json()).toEqual({ error: BUSY_MESSAGE });
    expect(responses.filter((r) => r.status === 200)).toHaveLength(4);
  });
});
