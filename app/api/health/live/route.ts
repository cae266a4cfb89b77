// Liveness: the process is up and answers. No database: a database outage must not make an
// orchestrator restart every replica (readiness takes them out of the load balancer instead).
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
