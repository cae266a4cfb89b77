// Database reachability, for load balancers and health checks written before /api/health/live
// and /api/health/ready existed (kept as it was: 503 while the database is unreachable).
import { databaseReachable } from '@/lib/data/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const ok = await databaseReachable();
  return Response.json(
    { status: ok ? 'ok' : 'degraded', database: ok ? 'ok' : 'unavailable' },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
