// A child process for the pending-write crash tests (test/integration/pending-writes-crash.test.ts):
// runs one real value write or version change through the data layer, as the user given,
// and is expected to die at TEST_CRASH_POINT (lib/crash-point.ts). Input: one JSON
// argument { op: 'write' | 'change', user, secretId, input, value? }.
// Run: node --conditions=react-server --import tsx test/support/crash-write.ts '<json>'
import { callerFor, type SessionUser } from '@/lib/auth/caller';
import { changeSecretVersion, writeSecretValue } from '@/lib/data/secret-values';
import { closeDb } from '@/lib/db';

type Job = { op: 'write' | 'change'; user: SessionUser; secretId: string; input: unknown; value?: string };

async function main() {
  const job = JSON.parse(process.argv[2]) as Job;
  const caller = callerFor(job.user);
  if (job.op === 'write') await writeSecretValue(caller, job.secretId, job.input, job.value);
  else await changeSecretVersion(caller, job.secretId, job.input);
  await closeDb();
  // Reaching here means the crash point did not fire.
  process.exit(3);
}

main().catch((error: unknown) => {
  console.error('crash-write failed:', (error as Error).message);
  process.exit(2);
});
