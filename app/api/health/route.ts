// Liveness and database reachability for load balancers and compose health checks.
import { databaseReachable } from '@/lib/data/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const ok = await databaseReachable();
  return Response.json(
    { status: ok ? 'ok' : 'degraded', database: ok ? 'ok' : 'unavailable' },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
