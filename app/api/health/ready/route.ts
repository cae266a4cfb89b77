// Readiness: the database answers and its schema has every migration this build ships
// with. 503 with the reason otherwise, so a load balancer sends no traffic here yet.
import { readiness } from '@/lib/data/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const state = await readiness();
  return Response.json(state.ready ? { status: 'ready' } : { status: 'not_ready', ...state }, {
    status: state.ready ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
