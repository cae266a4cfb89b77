// Retention for the audit trail: events older than the period an administrator set
// (audit_settings, Settings -> Audit retention; none set means keep forever) may be
// removed, but only by `npm run audit:purge`, which first
// exports them (JSON Lines, each line the event's canonical form plus its hash), checks
// their links and content hashes on the way, then in one transaction calls audit_purge()
// (prisma/migrations/*_audit_runtime_role_guards), which checks the range again, records
// a checkpoint (seq and hash of the last purged event, the file's SHA-256) and deletes
// them. That function runs as the owner and only the purge role may call it (purgeDb():
// PURGE_DATABASE_URL): the append-only trigger lets deletes through only there, and
// only for rows a checkpoint covers. Verification then starts from the checkpoint.
//
// What is purged is always a prefix of the chain: the events before the first one at or
// after `before` (chain order and time order can differ by a transaction's length), plus
// the legacy unchained rows older than `before`.
import 'server-only';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import type { PrismaClient } from '@/generated/prisma/client';
import { callerFor } from '@/lib/auth/caller';
import { purgeDb, type Tx } from '@/lib/db';
import { retentionCutoff } from '@/lib/validation/audit-retention';
import { linkBreak, readChainBatch } from './chain';
import { canonicalEvent, canonicalJson, GENESIS_HASH } from './chain-hash';
import { recordAudit } from './record';

export class PurgeRefused extends Error {}

export type PurgeResult = {
  eventsPurged: number;
  legacyPurged: number;
  throughSeq: bigint;
  lastHash: string;
  file: string;
  fileSha256: string;
};

type LegacyRow = Record<string, unknown> & { id: string };

const BATCH = 5000;

export async function purgeAuditEvents(options: {
  before: Date;
  exportFile: string;
  /** Who ran the command (the OS user), recorded in the audit.purge event. */
  operator?: string;
  now?: Date;
}): Promise<PurgeResult> {
  const { before } = options;
  const now = options.now ?? new Date();
  if (Number.isNaN(before.getTime())) throw new PurgeRefused('--before is not a valid date.');
  const db = purgeDb();
  const retentionDays = await allowedRetention(db, before, now);

  const [head] = await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`;
  const [checkpoint] = await db.$queryRaw<{ seq: bigint; hash: Uint8Array }[]>`
    SELECT seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1`;
  const fromSeq = checkpoint ? checkpoint.seq + 1n : 1n;
  const [bound] = await db.$queryRaw<{ through: bigint }[]>`
    SELECT coalesce(min(seq) - 1, ${head.seq}::bigint) AS through
    FROM audit_events WHERE seq >= ${fromSeq} AND seq <= ${head.seq} AND occurred_at >= ${before}`;
  const throughSeq = bound.through;
  await assertSinksAcknowledged(db, throughSeq);
  const [first] = await db.$queryRaw<{ id: bigint | null }[]>`
    SELECT min(id) AS id FROM audit_events WHERE seq IS NOT NULL`;
  const legacyLimit = first?.id ?? null;

  const file = path.resolve(options.exportFile);
  // 'wx': never overwrite an earlier export. Opened first, so that refusal comes at once.
  const handle = await open(file, 'wx').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' ? new PurgeRefused(`${file} already exists: choose a new export file.`) : error;
  });
  const out = handle.createWriteStream();
  let streamError: Error | null = null;
  out.on('error', (error) => (streamError ??= error));
  const sha = createHash('sha256');
  const write = async (line: string) => {
    if (streamError) throw streamError;
    const data = `${line}\n`;
    sha.update(data);
    if (!out.write(data)) await once(out, 'drain');
  };

  let legacyPurged = 0;
  let legacyMaxId: bigint | null = null;
  let eventsPurged = 0;
  let prev: Buffer = checkpoint ? Buffer.from(checkpoint.hash) : GENESIS_HASH;
  let expected = fromSeq;
  try {
    // Legacy rows first (they came first), in id order.
    let afterId = 0n;
    for (;;) {
      const rows = await db.$queryRaw<LegacyRow[]>`
        SELECT id::text AS id, occurred_at, actor_id::text AS actor_id, actor_email, actor_role::text AS actor_role, action,
               target_type, target_id, environment, outcome::text AS outcome, ip, user_agent, request_id, changes, detail
        FROM audit_events
        WHERE seq IS NULL AND id > ${afterId} AND occurred_at < ${before} AND (${legacyLimit}::bigint IS NULL OR id < ${legacyLimit}::bigint)
        ORDER BY id LIMIT ${BATCH}`;
      if (rows.length === 0) break;
      for (const row of rows) {
        await write(canonicalJson({ ...row, occurred_at: (row.occurred_at as Date).toISOString(), seq: null, prev_hash: null, hash: null }));
        afterId = BigInt(row.id);
      }
      legacyPurged += rows.length;
      legacyMaxId = afterId;
    }
    // Then the chain prefix, checked link by link: a broken chain is not purged.
    while (expected <= throughSeq) {
      const rows = await readChainBatch(expected, throughSeq, BATCH, db);
      if (rows.length === 0) break;
      for (const row of rows) {
        const broken = linkBreak(row, expected, prev);
        if (broken) throw new PurgeRefused(`The chain is broken, nothing was purged: ${broken.message}`);
        const hash = Buffer.from(row.hash!);
        await write(canonicalJson({ ...(JSON.parse(canonicalEvent(row)) as object), hash: hash.toString('hex') }));
        prev = hash;
        expected += 1n;
        eventsPurged += 1;
      }
    }
    if (expected !== throughSeq + 1n) throw new PurgeRefused(`The chain ends at seq ${expected - 1n} before seq ${throughSeq}: nothing was purged.`);
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await finished(out).catch(() => {});
    await rm(file, { force: true });
    throw error;
  }
  const fileSha256 = sha.digest('hex');

  if (eventsPurged === 0 && legacyPurged === 0) {
    await rm(file, { force: true });
    throw new PurgeRefused(`No events before ${before.toISOString()} to purge.`);
  }

  try {
    await db.$transaction(
      async (tx) => {
        // Again: an administrator may have changed the period during the export.
        // audit_purge() holds the row and refuses if it is no longer this one.
        const days = await allowedRetention(tx, before, now);
        await assertSinksAcknowledged(tx, throughSeq);
        await tx.$queryRaw`
          SELECT audit_purge(${before}::timestamptz, ${days}::integer, ${throughSeq}::bigint, ${new Uint8Array(prev)}::bytea,
                             ${legacyMaxId}::bigint, ${BigInt(eventsPurged)}::bigint, ${BigInt(legacyPurged)}::bigint,
                             ${path.basename(file)}::text, ${fileSha256}::text)::text AS checkpoint`;
        await recordAudit(tx, callerFor(null), {
          action: 'audit.purge',
          targetType: 'audit_event',
          detail: {
            before: before.toISOString(),
            throughSeq: throughSeq.toString(),
            eventsPurged,
            legacyPurged,
            file: path.basename(file),
            fileSha256,
            operator: options.operator ?? null,
            retentionDays,
          },
          actor: { id: null, email: 'audit-purge', role: null },
        });
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
  } catch (error) {
    // Nothing was purged: an export without its checkpoint must not pass for one.
    await rm(file, { force: true });
    throw error;
  }
  return { eventsPurged, legacyPurged, throughSeq, lastHash: prev.toString('hex'), file, fileSha256 };
}

/**
 * Refuses a purge reaching events an enabled audit sink (lib/audit-stream/) has not
 * acknowledged yet: they would never reach that SIEM. A paused sink does not hold the
 * purge back (its administrator chose to stop it); it skips what was purged when resumed.
 */
async function assertSinksAcknowledged(client: Tx | PrismaClient, throughSeq: bigint): Promise<void> {
  const behind = await client.$queryRaw<{ name: string; acked_seq: bigint }[]>`
    SELECT name, acked_seq FROM audit_sinks WHERE enabled AND acked_seq < ${throughSeq} ORDER BY name`;
  if (behind.length === 0) return;
  const list = behind.map((s) => `"${s.name}" (acknowledged through seq ${s.acked_seq})`).join(', ');
  throw new PurgeRefused(
    `Events through seq ${throughSeq} would be purged, but these audit sinks have not received them yet: ${list}. ` +
      'Wait for them to catch up (Settings -> Audit streaming), or pause a sink to purge without it.',
  );
}

/**
 * The configured retention period, refusing a purge that would reach into it or when none
 * is configured.
 */
async function allowedRetention(client: Tx | PrismaClient, before: Date, now: Date): Promise<number> {
  const [row] = await client.$queryRaw<{ retention_days: number | null }[]>`
    SELECT retention_days FROM audit_settings WHERE id = 1`;
  const retentionDays = row?.retention_days ?? null;
  if (retentionDays === null) {
    throw new PurgeRefused('The retention period is "keep forever" (Settings -> Audit retention): nothing may be purged.');
  }
  const cutoff = retentionCutoff(retentionDays, now);
  if (before.getTime() > cutoff.getTime()) {
    throw new PurgeRefused(
      `Events younger than the retention period (${retentionDays} days) may not be purged: choose --before on or before ${cutoff.toISOString()}.`,
    );
  }
  return retentionDays;
}
