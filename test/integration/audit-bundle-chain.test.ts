// Chain continuity in evidence bundles, against real PostgreSQL: every exported audit
// event recomputes to its hash and links to its predecessor, so even someone who rebuilds
// and re-signs a bundle with a key of their own cannot edit, drop or cut events unseen.
// Every event here is written by the app's own recordAuditMany (so all are chained).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '@/lib/export/bundle/verify';
import { eventHash } from '@/lib/audit/chain-hash';
import { recordAuditMany, type AuditEntry } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { AUDIT_EXPORT_BATCH } from '@/lib/export/sources/audit-events';
import { verifyUploadedBundle } from '@/lib/export/bundle/verify-upload';
import { db } from '@/lib/db';
import { forgeBundle, makeBundle, readManifest, readZip } from '../support/bundle-zip';
import { callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const targets = [randomUUID(), randomUUID(), randomUUID()];
let auditor: Caller;

beforeAll(async () => {
  auditor = await callerAs('auditor');
  const engineer = await callerAs('engineer');
  // More than one export batch, interleaving three secrets, with the JSON shapes the
  // canonical form must survive: nested objects, unicode, numbers, booleans, nulls.
  const entries: AuditEntry[] = Array.from({ length: AUDIT_EXPORT_BATCH + 300 }, (_, i) => ({
    action: i % 5 === 0 ? 'secret.rotate' : 'secret.update',
    targetType: 'secret',
    targetId: targets[i % 3],
    environment: i % 2 ? 'production' : 'staging',
    outcome: i % 7 === 0 ? 'failed' : 'success',
    changes: { owner: { before: `team-${i}`, after: 'Zoë’s team' } },
    detail: { n: i, ratio: i / 8, ok: i % 2 === 0, note: null },
  }));
  await recordAuditMany(db, engineer, entries);
});

type Line = Record<string, unknown>;
const lines = (files: Map<string, Buffer>) =>
  files
    .get('audit-events.jsonl')!
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
const withLines = (files: Map<string, Buffer>, rows: Line[]) =>
  new Map(files).set('audit-events.jsonl', Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join('')));

/** An exported event's hash recomputed, as a forger who edits it would. */
const rehash = (r: Line) =>
  eventHash({
    id: r.id as string,
    seq: r.seq as string,
    prev_hash: Buffer.from(r.prevHash as string, 'hex'),
    occurred_at: new Date(r.occurredAt as string),
    actor_id: r.actorId as string | null,
    actor_email: r.actorEmail as string | null,
    actor_role: r.actorRole as string | null,
    action: r.action as string,
    target_type: r.targetType as string | null,
    target_id: r.targetId as string | null,
    environment: r.environment as string | null,
    outcome: r.outcome as string,
    ip: r.ip as string | null,
    user_agent: r.userAgent as string | null,
    request_id: r.requestId as string | null,
    changes: r.changes,
    detail: r.detail,
  }).toString('hex');

describe('an intact bundle', () => {
  it('without filters: every event recomputes, every link holds, and it ends at the chain head', async () => {
    const zip = await makeBundle(auditor, {});
    const result = await verifyBundle(zip);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const rows = lines(await readZip(zip));
    expect(rows.length).toBeGreaterThanOrEqual(AUDIT_EXPORT_BATCH + 300);
    expect(result.chain).toEqual({ eventsChecked: rows.length, linksChecked: rows.length - 1, gaps: 0, unchained: 0, reachesHead: true, problems: [] });
    const manifest = readManifest(await readZip(zip));
    expect(manifest.chainHead).toMatchObject({ seq: rows.at(-1)!.seq, hash: rows.at(-1)!.hash });
  });

  it('with filters: the events it holds recompute and link, and the gaps the filters left are only counted', async () => {
    const zip = await makeBundle(auditor, { targetId: targets[1], environment: 'production' });
    const result = await verifyBundle(zip);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const rows = lines(await readZip(zip));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((r) => r.targetId === targets[1] && r.environment === 'production')).toBe(true);
    expect(result.chain).toMatchObject({ eventsChecked: rows.length, linksChecked: 0, gaps: rows.length - 1, problems: [] });
  });

  it('is checked by the upload page against this server’s trail, and by the command line', async () => {
    const zip = await makeBundle(auditor, { targetId: targets[0] });
    const uploaded = await verifyUploadedBundle(auditor, zip);
    expect(uploaded).toMatchObject({ ok: true, headInThisTrail: true });

    const files = await readZip(zip);
    const otherHead = await forgeBundle(files, (m) => ({ ...m, chainHead: { ...m.chainHead!, hash: 'ab'.repeat(32) } }));
    expect((await verifyUploadedBundle(auditor, otherHead)).headInThisTrail).toBe(false);

    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bundle-')), 'bundle.zip');
    writeFileSync(file, zip);
    const run = spawnSync('node_modules/.bin/tsx', ['scripts/audit-verify-bundle.ts', file], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ok {3}hash chain: \d+ events recomputed, 0 links checked, \d+ gaps left by the filters/);
  }, 60_000);
});

describe('a bundle rebuilt and re-signed by someone else', () => {
  it('names an edited event', async () => {
    const files = await readZip(await makeBundle(auditor, {}));
    const rows = lines(files);
    const victim = rows[AUDIT_EXPORT_BATCH + 10];
    victim.actorEmail = 'someone-else@example.test';

    const result = await verifyBundle(await forgeBundle(withLines(files, rows)));
    expect(result.signature).toBe('valid'); // the forger's own key
    expect(result.files.every((f) => f.ok)).toBe(true); // the rebuilt manifest matches the files
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      `audit-events.jsonl: event ${victim.id} (seq ${victim.seq}): its content does not match its hash (changed after it was written).`,
    ]);
  });

  it('names the broken link when the edited event’s hash was recomputed too', async () => {
    const files = await readZip(await makeBundle(auditor, {}));
    const rows = lines(files);
    const k = 42;
    rows[k].action = 'secret.read';
    rows[k].hash = rehash(rows[k]);

    const result = await verifyBundle(await forgeBundle(withLines(files, rows)));
    expect(result.problems).toEqual([
      `audit-events.jsonl: event ${rows[k + 1].id} (seq ${rows[k + 1].seq}) does not link to event ${rows[k].id} (seq ${rows[k].seq}).`,
    ]);
  });

  it('names a dropped event, and a cut tail', async () => {
    const files = await readZip(await makeBundle(auditor, {}));
    const rows = lines(files);
    const [before, dropped, after] = rows.slice(99, 102);

    const gap = await verifyBundle(
      await forgeBundle(
        withLines(
          files,
          rows.filter((r) => r !== dropped),
        ),
      ),
    );
    expect(gap.problems).toEqual([`audit-events.jsonl: seq ${dropped.seq} missing between event ${before.id} and event ${after.id}.`]);

    const cut = await verifyBundle(await forgeBundle(withLines(files, rows.slice(0, -3))));
    expect(cut.problems).toEqual([
      `audit-events.jsonl: the export ends at seq ${rows.at(-4)!.seq} but the chain head at export time was seq ${rows.at(-1)!.seq}: events are missing at the end.`,
    ]);
  });

  it('summarises a mass edit instead of listing every event', async () => {
    const files = await readZip(await makeBundle(auditor, {}));
    const original = lines(files);
    const edited = original.filter((r) => r.outcome !== 'success').length;
    const rows = original.map((r) => ({ ...r, outcome: 'success' }));
    const result = await verifyBundle(await forgeBundle(withLines(files, rows)));
    expect(result.problems).toHaveLength(21);
    expect(result.problems.at(-1)).toBe(`audit-events.jsonl: … and ${edited - 20} more chain problems.`);
  });
});
