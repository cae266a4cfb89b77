// POST /api/leak-check/scans/{id}/batches: up to 5,000 candidates (and pattern hits) of the
// CLI's scan, at most 2 MB -> {findings: n}. The texts are fingerprinted and dropped.
import type { NextRequest } from 'next/server';
import { recordLeakBatch } from '@/lib/data/leak-scans';
import { MAX_LEAK_BATCH_BYTES } from '@/lib/body-limits';
import { leakCaller, NO_STORE, readJson, refusal } from '../../../request';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest, { params }: { params: Promise<{ scanId: string }> }) {
  const { scanId } = await params;
  const who = await leakCaller(request, 'leak.scan_batch', scanId);
  if ('refused' in who) return who.refused;
  const read = await readJson(request, MAX_LEAK_BATCH_BYTES);
  if ('refused' in read) return read.refused;
  try {
    return Response.json(await recordLeakBatch(who.caller, scanId, read.body), { headers: NO_STORE });
  } catch (error) {
    return refusal(who.caller, error);
  }
}
