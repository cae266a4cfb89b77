// Why a background job is failing for one provider connection, kept on the connection
// (connection_job_faults) so its page in Settings → Providers can say so: one row per
// connection and job while it fails, removed by the next run that succeeds. The message
// is always our own words: a ProviderError's (written in lib/providers, never the SDK's
// text) or a fixed sentence for anything else, whose details go to the worker's log only.
import 'server-only';
import { db } from '@/lib/db';
import { ProviderError } from '@/lib/providers/errors';

export const UNEXPECTED_JOB_FAILURE = "The job failed unexpectedly; the worker's log has the details. The next run tries again.";

/** The code and message stored for a failure. */
export function faultOf(error: unknown): { code: string; message: string } {
  if (error instanceof ProviderError) return { code: error.code, message: error.message };
  return { code: 'internal', message: UNEXPECTED_JOB_FAILURE };
}

export async function recordConnectionFault(connectionId: string, job: string, error: unknown, at: Date): Promise<void> {
  const { code, message } = faultOf(error);
  // The connection may have been deleted meanwhile: nothing to record on then.
  await db.$executeRaw`
    INSERT INTO connection_job_faults (connection_id, job, code, message, since, last_failed_at, failures)
    SELECT id, ${job}, ${code}, ${message}, ${at}, ${at}, 1 FROM provider_connections WHERE id = ${connectionId}::uuid
    ON CONFLICT (connection_id, job) DO UPDATE
      SET code = EXCLUDED.code, message = EXCLUDED.message, last_failed_at = EXCLUDED.last_failed_at,
          failures = connection_job_faults.failures + 1`;
}

export async function clearConnectionFault(connectionId: string, job: string): Promise<void> {
  await db.connectionJobFault.deleteMany({ where: { connectionId, job } });
}
