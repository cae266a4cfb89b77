// A worker process (as scripts/worker.ts runs it) whose access ingestion for one connection
// fails the way an SDK's fire-and-forget promise or callback does: a rejection nobody
// handles, a timer callback that throws, and work that never settles. The other
// connection's ingestion succeeds. Run by test/integration/provider-faults.test.ts:
//   node --conditions=react-server --import tsx test/support/stray-failure-worker.ts <bad-id> <good-id>
import { closeDb } from '@/lib/db';
import { closeJobSender } from '@/lib/jobs/boss';
import { installProcessGuards } from '@/lib/jobs/containment';
import { startWorker } from '@/lib/jobs/worker';

const [bad, good] = process.argv.slice(2);

installProcessGuards(() => process.exit(1));
const worker = await startWorker({
  pollingIntervalSeconds: 0.5,
  handlers: {
    ingestibleConnections: async () => [bad, good],
    ingestAccess: async (connectionId) => {
      if (connectionId !== bad) return { status: 'ok', fetched: 0, inserted: 0, matched: 0 };
      // What google-gax's generated methods do when the stub cannot be made, twice.
      for (let i = 0; i < 2; i++) {
        Promise.reject(new Error('Could not load the default credentials (simulated)')).catch((error: unknown) => {
          throw error;
        });
      }
      setTimeout(() => {
        throw new Error('a callback threw (simulated)');
      }, 50);
      return new Promise<never>(() => {});
    },
  },
});
process.on('SIGTERM', () => {
  void worker
    .stop({ timeoutMs: 2000 })
    .then(closeJobSender)
    .then(closeDb)
    .then(() => process.exit(0));
});
