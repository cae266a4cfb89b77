// Auditor exports against real PostgreSQL: CSV and JSON Lines parse and hold exactly the
// filtered events, the stream keeps memory flat over 100k rows, exports are audited and
// refused to roles without audit.export, and evidence bundles verify (and fail, naming
// what changed, when a byte or the signature is altered).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NextRequest } from 'next/server';
import yauzl from 'yauzl';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { manifestBytes, signManifest, ZBundleManifest } from '@/lib/export/bundle/manifest';
import { verifyBundle } from '@/lib/export/bundle/verify';
import type { Caller } from '@/lib/auth/caller';
import { AUDIT_EXPORT_BATCH, AUDIT_EXPORT_COLUMNS, auditEventsSource } from '@/lib/export/sources/audit-events';
import { exportEvidenceBundle } from '@/lib/export/bundle/evidence-bundle';
import { exportRows } from '@/lib/export/run';
import { COPY_EXPORT_APPLICATION, COPY_EXPORT_CONNECTIONS } from '@/lib/export/copy-csv';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { parseAuditListQuery } from '@/lib/validation/audit-list';
import { BUNDLE_FILE_NAMES, makeBundle, readZip, streamText, writeZip } from '../support/bundle-zip';
import { callerAs } from '../support/seed';
import { exportEvent } from '../support/export-event';
import { exportedInBothFormats, parseCsv, parseJsonl } from '../support/export-formats';
import { ownerDb, useTestDatabase } from '../support/test-database';

const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const { GET: exportRoute } = await import('@/app/api/export/audit/route');
const { GET: bundleRoute } = await import('@/app/api/export/audit/bundle/route');
const { POST: verifyRoute } = await import('@/app/api/audit/verify-bundle/route');

useTestDatabase();

beforeEach(() => {
  session.caller = null;
});

type Seed = {
  action?: string;
  environment?: string | null;
  actorEmail?: string | null;
  targetId?: string;
  occurredAt?: string;
  count?: number;
  detail?: string;
};

/** Audit events written straight to the table (fixtures, not the code under test), as the owner: outside the chain. */
async function seedEvents(s: Seed) {
  await ownerDb().$executeRaw`
    INSERT INTO audit_events (occurred_at, actor_email, actor_role, action, outcome, target_type, target_id, environment, detail)
    SELECT ${s.occurredAt ?? '2026-03-10T12:00:00Z'}::timestamptz, ${s.actorEmail ?? null}, 'engineer'::"Role", ${s.action ?? 'secret.update'},
           'success'::"AuditOutcome", 'secret', ${s.targetId ?? randomUUID()}, ${s.environment ?? null},
           jsonb_build_object('n', i, 'note', ${s.detail ?? ''}::text)
    FROM generate_series(1, ${s.count ?? 1}) AS i`;
}

async function exportText(caller: Caller, params: Record<string, string>, format: 'csv' | 'jsonl') {
  const download = await exportRows(caller, auditEventsSource, parseAuditListQuery(params), format);
  return streamText(download.stream);
}

describe('CSV and JSON Lines exports', () => {
  it('hold exactly the events the filters select, in both formats', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    const email = `${randomUUID().slice(0, 8)}@example.test`;
    await seedEvents({ targetId: target, environment: 'production', actorEmail: email, action: 'secret.update', occurredAt: '2026-03-10T09:00:00Z', count: 7 });
    await seedEvents({ targetId: target, environment: 'staging', actorEmail: email, action: 'secret.update', occurredAt: '2026-03-10T09:00:00Z', count: 3 });
    await seedEvents({ targetId: target, environment: 'production', actorEmail: email, action: 'secret.read', occurredAt: '2026-03-10T09:00:00Z', count: 2 });
    await seedEvents({ targetId: target, environment: 'production', actorEmail: email, action: 'secret.update', occurredAt: '2026-04-02T09:00:00Z', count: 4 });
    await seedEvents({
      targetId: target,
      environment: 'production',
      actorEmail: 'someone-else@example.test',
      action: 'secret.update',
      occurredAt: '2026-03-10T09:00:00Z',
      count: 5,
    });

    const filters = { targetId: target, environment: 'production', action: 'secret.update', actor: email, from: '2026-03-01', to: '2026-03-31' };
    const { csv, jsonl } = await exportedInBothFormats((format) => exportText(auditor, filters, format), 7, AUDIT_EXPORT_COLUMNS);
    expect(jsonl.every((r) => r.environment === 'production' && r.actorEmail === email && r.targetId === target)).toBe(true);
    expect(JSON.parse(csv[0].detail)).toEqual(jsonl[0].detail);

    // Each filter on its own narrows as it should.
    const count = async (f: Record<string, string>) => parseJsonl(await exportText(auditor, { targetId: target, ...f }, 'jsonl')).length;
    expect(await count({})).toBe(21);
    expect(await count({ environment: 'staging' })).toBe(3);
    expect(await count({ action: 'secret.read' })).toBe(2);
    expect(await count({ from: '2026-04-01' })).toBe(4);
    expect(await count({ actor: 'someone-else' })).toBe(0); // no account: part of an email matches accounts only
    expect(await count({ actor: 'someone-else@example.test' })).toBe(5);
  });

  it('streams every event once, oldest first, across batch boundaries, and leaves out later events', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    const total = AUDIT_EXPORT_BATCH * 2 + 17;
    await seedEvents({ targetId: target, count: total });
    const download = await exportRows(auditor, auditEventsSource, parseAuditListQuery({ targetId: target }), 'csv');
    // Recorded after the export started: not part of it (the export is one consistent slice).
    await seedEvents({ targetId: target, count: 3 });
    const ids = parseCsv(await streamText(download.stream)).map((r) => BigInt(r.id));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
  });

  it('guards CSV cells against spreadsheet formulas', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, actorEmail: '=HYPERLINK("x")' });
    const [row] = parseCsv(await exportText(auditor, { targetId: target }, 'csv'));
    expect(row.actorEmail).toBe(`'=HYPERLINK("x")`);
  });

  it('holds at most a few connections for CSV exports at once; the others wait and then complete', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 3000 });
    const exports = await Promise.all(
      Array.from({ length: COPY_EXPORT_CONNECTIONS + 2 }, () => exportRows(auditor, auditEventsSource, parseAuditListQuery({ targetId: target }), 'csv')),
    );
    const connections = async () => {
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${COPY_EXPORT_APPLICATION} AND datname = current_database()`;
      return row.n;
    };
    await vi.waitFor(async () => expect(await connections()).toBe(COPY_EXPORT_CONNECTIONS));
    await new Promise((r) => setTimeout(r, 200));
    expect(await connections()).toBe(COPY_EXPORT_CONNECTIONS); // nobody read yet: the rest still wait
    const texts = await Promise.all(exports.map((d) => streamText(d.stream)));
    for (const t of texts) expect(parseCsv(t)).toHaveLength(3000);
    await vi.waitFor(async () => expect(await connections()).toBe(0));
  });

  it('is audited with the filters, the format and the row count', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 12 });
    await exportText(auditor, { targetId: target }, 'jsonl');
    const event = await exportEvent(auditor.user!.id);
    expect(event.outcome).toBe('success');
    expect(event.detail).toMatchObject({ source: 'audit-events', format: 'jsonl', targetId: target, rows: 12, complete: true });
  });

  it('records a download stopped early as incomplete, with the rows it took', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    // ~1 KB per event: the text goes out in ~64 KB pieces, so this is many pieces.
    await seedEvents({ targetId: target, count: 3000, detail: 'x'.repeat(1000) });
    const download = await exportRows(auditor, auditEventsSource, parseAuditListQuery({ targetId: target }), 'csv');
    for await (const _chunk of download.stream) break; // the client goes away after the first piece
    const event = await exportEvent(auditor.user!.id);
    expect(event.outcome).toBe('failed');
    const detail = event.detail as { rows: number; complete: boolean };
    expect(detail.complete).toBe(false);
    expect(detail.rows).toBeGreaterThan(0);
    expect(detail.rows).toBeLessThan(3000);
  });

  it('keeps memory flat: 100k events stream with little retained heap', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const admin = await callerAs('admin');
    const target = randomUUID();
    // ~1 KB per event: held at once, 100k of them would take well over 100 MB of heap.
    await seedEvents({ targetId: target, count: 100_000, detail: 'x'.repeat(1000) });
    // As autovacuum would after a bulk load: stale statistics make the planner sort the
    // whole remaining range for every batch instead of walking the primary key.
    await db.$executeRaw`ANALYZE audit_events`;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const download = await exportRows(admin, auditEventsSource, parseAuditListQuery({ targetId: target }), 'jsonl');
    let lines = 0;
    let samples = 0;
    let peak = 0;
    for await (const chunk of download.stream as AsyncIterable<Buffer>) {
      for (const b of chunk) {
        if (b !== 10) continue;
        // Retained heap (after a full collection) every 5,000 rows along the way.
        if (++lines % 5000 === 0) {
          gc();
          samples++;
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
    }
    expect(lines).toBe(100_000);
    expect(samples).toBe(20);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);
});

describe('who may export', () => {
  for (const role of ['viewer', 'engineer'] as const) {
    it(`refuses a ${role} (and audits the refusal)`, async () => {
      const caller = await callerAs(role);
      await expect(exportRows(caller, auditEventsSource, parseAuditListQuery({}), 'csv')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(exportEvidenceBundle(caller, parseAuditListQuery({}))).rejects.toBeInstanceOf(ForbiddenError);
      const denied = await db.auditEvent.findMany({ where: { actorId: caller.user!.id, outcome: 'denied' } });
      expect(denied.map((e) => [e.action, (e.detail as { permission: string }).permission])).toEqual([
        ['audit.export', 'audit.export'],
        ['audit.export', 'audit.export'],
      ]);
    });
  }

  it('answers 403 / 401 on the routes, and a download for an auditor', async () => {
    const url = (path: string) => new NextRequest(`http://localhost${path}`);
    session.caller = await callerAs('viewer');
    expect((await exportRoute(url('/api/export/audit?format=csv'))).status).toBe(403);
    expect((await bundleRoute(url('/api/export/audit/bundle'))).status).toBe(403);
    session.caller = await callerAs(null);
    expect((await exportRoute(url('/api/export/audit?format=jsonl'))).status).toBe(401);
    session.caller = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 2 });
    const response = await exportRoute(url(`/api/export/audit?format=jsonl&targetId=${target}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.jsonl"/);
    expect(parseJsonl(await response.text())).toHaveLength(2);
  });
});

describe('malformed filters', () => {
  const url = (path: string) => new NextRequest(`http://localhost${path}`);
  // Each is refused by name: dropping it would hand the auditor the whole trail.
  const malformed: [string, string][] = [
    ['from=2026-02-30', 'from: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['from=notadate', 'from: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['to=garbage', 'to: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['to=2026-04-31T10:00:00Z', 'to: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['outcome=bogus', 'outcome: Use success, denied or failed.'],
    ['action=DROP%20TABLE', 'action: Use an action name such as secret.update.'],
    ['targetType=Secret;', 'targetType: Use a target type such as secret (lower case).'],
    ['from=2026-04-02&to=2026-04-01', 'to: Must not be before "from".'],
  ];

  it('the CSV / JSON Lines route answers 400 naming each, and exports nothing', async () => {
    session.caller = await callerAs('auditor');
    for (const [filter, reason] of malformed) {
      for (const format of ['csv', 'jsonl']) {
        const response = await exportRoute(url(`/api/export/audit?format=${format}&${filter}`));
        expect(response.status, filter).toBe(400);
        expect(response.headers.get('content-disposition')).toBeNull();
        const body = (await response.json()) as { error: string; fieldErrors: Record<string, string[]> };
        expect(body.error).toBe(`Check the audit filters. ${reason}`);
        expect(Object.keys(body.fieldErrors)).toEqual([reason.split(':')[0]]);
      }
    }
    const both = await exportRoute(url('/api/export/audit?format=csv&from=notadate&outcome=bogus'));
    expect(((await both.json()) as { error: string }).error).toBe(
      'Check the audit filters. outcome: Use success, denied or failed. from: Use a date (YYYY-MM-DD) or an ISO time.',
    );
    expect(await db.auditEvent.count({ where: { actorId: session.caller.user!.id, action: 'audit.export' } })).toBe(0);
  });

  it('an unknown format is refused by name (not answered as CSV), on the access export too', async () => {
    session.caller = await callerAs('auditor');
    const { GET: accessRoute } = await import('@/app/api/export/access/route');
    for (const response of [await exportRoute(url('/api/export/audit?format=xml')), await accessRoute(url('/api/export/access?format=xml'))]) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'Check the export format. format: Use csv or jsonl.', fieldErrors: { format: ['Use csv or jsonl.'] } });
    }
    // No format still means CSV.
    const plain = await exportRoute(url('/api/export/audit'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain('text/csv');
    await plain.body?.cancel();
  });

  it('the evidence bundle route answers 400 naming each', async () => {
    session.caller = await callerAs('auditor');
    for (const [filter, reason] of malformed) {
      const response = await bundleRoute(url(`/api/export/audit/bundle?${filter}`));
      expect(response.status, filter).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(`Check the audit filters. ${reason}`);
    }
  });

  it('a caller without audit.export is refused (403, audited) before the filters are read', async () => {
    session.caller = await callerAs('viewer');
    expect((await exportRoute(url('/api/export/audit?format=xml&from=notadate'))).status).toBe(403);
    expect((await bundleRoute(url('/api/export/audit/bundle?outcome=bogus'))).status).toBe(403);
    expect(await db.auditEvent.count({ where: { actorId: session.caller.user!.id, action: 'audit.export', outcome: 'denied' } })).toBe(2);
  });

  it("the bundle route's manifest names exactly the filters asked for, and holds only their events", async () => {
    session.caller = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, environment: 'production', occurredAt: '2026-03-10T12:00:00Z', count: 3 });
    await seedEvents({ targetId: target, environment: 'production', occurredAt: '2026-02-27T12:00:00Z', count: 2 });
    // (A range ending after now: these fixtures are written out of time order, which the
    // range's id bound assumes never happens for real events.)
    const response = await bundleRoute(url(`/api/export/audit/bundle?targetId=${target}&outcome=success&from=2026-02-28&to=2099-12-31&after=x&format=xml`));
    expect(response.status).toBe(200);
    const files = await readZip(Buffer.from(await response.arrayBuffer()));
    const manifest = ZBundleManifest.parse(JSON.parse(files.get('manifest.json')!.toString()));
    expect(manifest.filters).toEqual({ targetId: target, outcome: 'success', from: '2026-02-28', to: '2099-12-31' });
    expect(manifest.timeRange).toEqual({ from: '2026-02-28T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' });
    expect(manifest.files.find((f) => f.name === 'audit-events.jsonl')?.rows).toBe(3);
  });
});

// ---------------------------------------------------------------------------------
// Evidence bundles

describe('evidence bundles', () => {
  it('hold both files, a signed manifest with counts, hashes and the chain head, and verify', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, environment: 'production', count: AUDIT_EXPORT_BATCH + 5 });
    await seedEvents({ targetId: target, environment: 'staging', count: 4 });
    const newest = await db.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' }, select: { id: true } });

    const zip = await makeBundle(auditor, { targetId: target, environment: 'production', from: '2026-01-01' });
    const result = await verifyBundle(zip);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.signature).toBe('valid');

    const files = await readZip(zip);
    expect([...files.keys()].sort()).toEqual(BUNDLE_FILE_NAMES);
    const manifest = ZBundleManifest.parse(JSON.parse(files.get('manifest.json')!.toString()));
    expect(manifest.filters).toEqual({ targetId: target, environment: 'production', from: '2026-01-01' });
    expect(manifest.timeRange).toEqual({ from: '2026-01-01T00:00:00.000Z', to: null });
    expect(manifest.generatedBy).toMatchObject({ id: auditor.user!.id, role: 'auditor' });
    // The hash chain's head when the bundle was made: a chained event's hash (the export's
    // own audit event came after it).
    expect(manifest.chainHead).toEqual({ eventId: newest.id.toString(), hash: expect.stringMatching(/^[0-9a-f]{64}$/), seq: expect.stringMatching(/^\d+$/) });
    const chained = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events WHERE encode(hash, 'hex') = ${manifest.chainHead!.hash}`;
    expect(chained[0].n).toBe(1);
    // Access history for the same filters rides along (none recorded for this target).
    expect(manifest.files.map((f) => [f.name, f.rows])).toEqual([
      ['audit-events.csv', AUDIT_EXPORT_BATCH + 5],
      ['audit-events.jsonl', AUDIT_EXPORT_BATCH + 5],
      ['access-events.csv', 0],
      ['access-events.jsonl', 0],
    ]);
    expect(parseCsv(files.get('audit-events.csv')!.toString())).toHaveLength(AUDIT_EXPORT_BATCH + 5);

    // Verified against the server's own public key too.
    expect((await verifyBundle(zip, { trustedPublicKey: manifest.signature.publicKey })).ok).toBe(true);

    const event = await exportEvent(auditor.user!.id);
    expect(event.detail).toMatchObject({ source: 'evidence-bundle', targetId: target, 'rows.audit-events.csv': AUDIT_EXPORT_BATCH + 5, complete: true });
  });

  it('fails, naming the file, when one byte of a file changes', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 50 });
    const zip = await makeBundle(auditor, { targetId: target });

    // One byte inside the stored (compressed) data of audit-events.jsonl.
    const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
    const entry = await new Promise<yauzl.Entry>((resolve) => {
      archive.on('entry', (e: yauzl.Entry) => (e.fileName === 'audit-events.jsonl' ? resolve(e) : archive.readEntry()));
      archive.readEntry();
    });
    const { fileDataStart } = await archive.readLocalFileHeaderPromise(entry, { minimal: true });
    archive.close();
    const tampered = Buffer.from(zip);
    tampered[fileDataStart + Math.floor(entry.compressedSize / 2)] ^= 0x01;

    const result = await verifyBundle(tampered);
    expect(result.ok).toBe(false);
    expect(result.signature).toBe('valid');
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.every((p) => p.startsWith('audit-events.jsonl:'))).toBe(true);
    expect(result.files.find((f) => f.name === 'audit-events.csv')?.ok).toBe(true);

    // The same change in the uncompressed content (a re-packed zip): a hash mismatch.
    const files = await readZip(zip);
    const csv = Buffer.from(files.get('audit-events.csv')!);
    csv[csv.length - 5] ^= 0x01;
    files.set('audit-events.csv', csv);
    const repacked = await verifyBundle(await writeZip(files));
    expect(repacked.problems[0]).toBe('audit-events.csv: SHA-256 does not match the manifest.');
    expect(repacked.problems.every((p) => p.startsWith('audit-events.csv:'))).toBe(true);
  });

  it('fails on a wrong signature, an edited manifest, an untrusted key and a stray file', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 3 });
    const files = await readZip(await makeBundle(auditor, { targetId: target }));
    const manifest = ZBundleManifest.parse(JSON.parse(files.get('manifest.json')!.toString()));
    const other = generateKeyPairSync('ed25519');

    // Signed by another key while claiming the server's.
    const forged = new Map(files).set('manifest.sig', signManifest(files.get('manifest.json')!, other.privateKey));
    const wrongSig = await verifyBundle(await writeZip(forged));
    expect(wrongSig.ok).toBe(false);
    expect(wrongSig.signature).toBe('invalid');
    expect(wrongSig.problems).toEqual(['manifest.sig: the signature does not match manifest.json.']);

    // A row count edited in the manifest (the signature no longer matches).
    const edited = { ...manifest, files: manifest.files.map((f) => ({ ...f, rows: f.rows + 1 })) };
    const editedZip = await verifyBundle(await writeZip(new Map(files).set('manifest.json', manifestBytes(edited))));
    expect(editedZip.signature).toBe('invalid');
    expect(editedZip.problems).toContain('audit-events.csv: 3 rows, the manifest says 4.');

    // Re-signed wholesale with another key: valid on its own key, refused against the trusted one.
    const resigned = { ...edited, signature: { ...manifest.signature, publicKey: other.publicKey.export({ format: 'pem', type: 'spki' }).toString() } };
    const resignedFiles = new Map(files).set('manifest.json', manifestBytes(resigned));
    resignedFiles.set('manifest.sig', signManifest(manifestBytes(resigned), other.privateKey));
    const untrusted = await verifyBundle(await writeZip(resignedFiles), { trustedPublicKey: manifest.signature.publicKey });
    expect(untrusted.ok).toBe(false);
    expect(untrusted.problems).toContain('manifest.json: signed with a key other than the trusted public key.');

    // A file the manifest does not list.
    const extra = await verifyBundle(await writeZip(new Map(files).set('notes.txt', Buffer.from('hi'))));
    expect(extra.problems).toEqual(['notes.txt: in the bundle but not in the manifest.']);

    expect((await verifyBundle(Buffer.from('not a zip'))).problems[0]).toMatch(/not a readable zip/);
  });
});

describe('verifying bundles', () => {
  it('the upload route verifies for audit.read, refuses others, and limits the size', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 4 });
    const zip = await makeBundle(auditor, { targetId: target });
    const post = (body: Buffer) =>
      verifyRoute(
        new NextRequest('http://localhost/api/audit/verify-bundle', {
          method: 'POST',
          body: new Uint8Array(body),
          headers: { origin: 'http://localhost', host: 'localhost' },
        }),
      );

    session.caller = await callerAs('viewer');
    expect((await post(zip)).status).toBe(403);
    session.caller = auditor;
    const ok = await post(zip);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, signature: 'valid', signedByThisServer: true, problems: [] });
    const tooBig = await post(Buffer.alloc(10 * 1024 * 1024 + 1));
    expect(tooBig.status).toBe(413);
  });

  it('npm run audit:verify-bundle exits 0 for an intact bundle and 1, naming the file, for a changed one', async () => {
    const auditor = await callerAs('auditor');
    const target = randomUUID();
    await seedEvents({ targetId: target, count: 4 });
    const zip = await makeBundle(auditor, { targetId: target });
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
    const good = path.join(dir, 'good.zip');
    writeFileSync(good, zip);
    const files = await readZip(zip);
    const jsonl = Buffer.from(files.get('audit-events.jsonl')!);
    jsonl[10] ^= 0x01;
    const changed = path.join(dir, 'changed.zip');
    writeFileSync(changed, await writeZip(files.set('audit-events.jsonl', jsonl)));

    const run = (file: string) => spawnSync('node_modules/.bin/tsx', ['scripts/audit-verify-bundle.ts', file], { encoding: 'utf8' });
    const intact = run(good);
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('The bundle verifies.');
    const broken = run(changed);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('audit-events.jsonl: SHA-256 does not match the manifest.');
  }, 60_000);
});
