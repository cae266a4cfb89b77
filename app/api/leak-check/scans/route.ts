// POST /api/leak-check/scans {kind:'cli', label} -> 201 {scanId}: the CLI starts a scan of a
// repository on its own machine, then sends candidates in batches and finishes it.
import type { NextRequest } from 'next/server';
import { startLeakScan } from '@/lib/data/leak-scans';
import { leakCaller, NO_STORE, readJson, refusal } from '../request';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const who = await leakCaller(request, 'leak.scan_start');
  if ('refused' in who) return who.refused;
  const read = await readJson(request, 64 * 1024);
  if ('refused' in read) return read.refused;
  try {
    return Response.json(await startLeakScan(who.caller, read.body), { status: 201, headers: NO_STORE });
  } catch (error) {
    return refusal(who.caller, error);
  }
}
