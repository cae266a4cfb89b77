// POST /api/leak-check/scans/{id}/finish {status, error?} -> {scanId, findings, url}.
import type { NextRequest } from 'next/server';
import { finishLeakScan } from '@/lib/data/leak-scans';
import { leakCaller, NO_STORE, readJson, refusal } from '../../../request';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest, { params }: { params: Promise<{ scanId: string }> }) {
  const { scanId } = await params;
  const who = await leakCaller(request, 'leak.scan_finish', scanId);
  if ('refused' in who) return who.refused;
  const read = await readJson(request, 64 * 1024);
  if ('refused' in read) return read.refused;
  try {
    return Response.json(await finishLeakScan(who.caller, scanId, read.body), { headers: NO_STORE });
  } catch (error) {
    return refusal(who.caller, error);
  }
}
