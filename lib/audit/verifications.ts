// Results of chain verifications (`npm run audit:verify`, the daily audit-verify job),
// kept so the Audit page can say when the chain was last checked and what was found.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { verifyChain, type ChainVerification } from './chain';

export type ChainStatus = {
  ranAt: string;
  ok: boolean;
  eventsChecked: number;
  headSeq: string | null;
  headHash: string | null;
  firstBadSeq: string | null;
  message: string;
};

export async function recordVerification(result: ChainVerification): Promise<void> {
  await db.auditChainVerification.create({
    data: {
      ok: result.ok,
      eventsChecked: BigInt(result.eventsChecked),
      headSeq: result.headSeq,
      headHash: new Uint8Array(result.headHash),
      firstBadSeq: result.break?.seq ?? null,
      message: result.message,
    },
  });
}

/** Verifies the whole chain and records the result; what the script and the job run. */
export async function verifyAndRecord(): Promise<ChainVerification> {
  const result = await verifyChain();
  await recordVerification(result);
  return result;
}

/** The latest verification, for auditors and admins; null when none has run yet. */
export async function latestChainStatus(caller: Caller): Promise<ChainStatus | null> {
  await authorize(caller, 'audit.read', { action: 'audit.chain_status', targetType: 'audit_event' });
  const row = await db.auditChainVerification.findFirst({ orderBy: { id: 'desc' } });
  if (!row) return null;
  return {
    ranAt: row.ranAt.toISOString(),
    ok: row.ok,
    eventsChecked: Number(row.eventsChecked),
    headSeq: row.headSeq?.toString() ?? null,
    headHash: row.headHash ? Buffer.from(row.headHash).toString('hex') : null,
    firstBadSeq: row.firstBadSeq?.toString() ?? null,
    message: row.message,
  };
}
