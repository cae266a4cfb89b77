// Prometheus metrics for /api/metrics: an admin's session or an access token whose scopes
// include metrics:read (authorize() narrows token calls to their scopes). Metadata only:
// counts, durations, queue names, connection ids, rotation strategies; never a value, a
// secret's name or a provider reference.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { metricsText } from '@/lib/metrics/exposition';

export async function readMetrics(caller: Caller): Promise<{ contentType: string; body: string }> {
  await authorize(caller, 'metrics.read', { action: 'metrics.read', targetType: 'metrics' });
  return metricsText();
}
