// The audit trail's retention period: how many days events must be kept before the
// operator's `npm run audit:purge` may export and remove them (lib/audit/purge.ts reads
// the same row). Null is "keep forever", the default: nothing may be purged. Auditors and
// admins read it ('audit.read'); only administrators change it ('admin.retention'),
// audited with before/after in the same transaction, with a stale-edit check.
import 'server-only';
import { changedFields } from '@/lib/audit/changes';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { ZAuditRetentionInput } from '@/lib/validation/audit-retention';
import { parseInput } from '@/lib/validation/parse';
import { assertNotStale } from '@/lib/db/stale-edit';
import { updateAudited } from './audited-update';

export type AuditRetentionDto = {
  /** null: keep forever. */
  retentionDays: number | null;
  updatedAt: string;
  /** The newest purge's checkpoint, if events were ever purged. */
  lastPurge: {
    at: string;
    /** The purge removed events before this instant. */
    before: string;
    /** seq of the last purged event: the remaining chain continues from its hash. */
    throughSeq: string;
    eventsPurged: number;
    file: string;
  } | null;
};

const TARGET = { targetType: 'audit_settings' } as const;

export async function getAuditRetention(caller: Caller): Promise<AuditRetentionDto> {
  await authorize(caller, 'audit.read', { action: 'audit.retention', ...TARGET });
  const [settings, checkpoint] = await Promise.all([
    db.auditSettings.findUniqueOrThrow({ where: { id: 1 }, select: { retentionDays: true, updatedAt: true } }),
    db.auditCheckpoint.findFirst({
      orderBy: { id: 'desc' },
      select: { createdAt: true, before: true, seq: true, eventsPurged: true, file: true },
    }),
  ]);
  return {
    retentionDays: settings.retentionDays,
    updatedAt: settings.updatedAt.toISOString(),
    lastPurge: checkpoint && {
      at: checkpoint.createdAt.toISOString(),
      before: checkpoint.before.toISOString(),
      throughSeq: checkpoint.seq.toString(),
      eventsPurged: Number(checkpoint.eventsPurged),
      file: checkpoint.file,
    },
  };
}

export async function updateAuditRetention(caller: Caller, raw: unknown): Promise<{ retentionDays: number | null }> {
  await authorize(caller, 'admin.retention', { action: 'audit.retention_update', ...TARGET });
  const input = parseInput(ZAuditRetentionInput, raw);
  return db.$transaction(async (tx) => {
    // The purge reads this row FOR SHARE in its deleting transaction: a change waits for it.
    await tx.$executeRaw`SELECT 1 FROM audit_settings WHERE id = 1 FOR UPDATE`;
    const before = await tx.auditSettings.findUniqueOrThrow({ where: { id: 1 }, select: { retentionDays: true, updatedAt: true } });
    assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'retention period');
    const after = { retentionDays: input.retentionDays };
    const changes = changedFields(before, after, ['retentionDays']);
    await updateAudited(tx, caller, { action: 'audit.retention_update', ...TARGET, changes }, () => tx.auditSettings.update({ where: { id: 1 }, data: after }));
    return after;
  });
}
