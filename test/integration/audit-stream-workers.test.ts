// Audit streaming across worker processes (`npm run worker`): a worker SIGKILLed in the
// middle of a stream and the workers after it lose nothing and reorder nothing, and two
// workers running at once deliver one sink in order (one holds it; the other takes over
// when the first dies). Duplicates are only the batch in flight at the kill (at least once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditMany } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { createSink } from '@/lib/data/audit-sinks';
import { db } from '@/lib/db';
import { appProcessEnv, startWorker, type StartedWorker } from '../support/app-process';
import { eventually } from '../support/eventually';
import { callerAs } from '../support/seed';
import { startHttpReceiver, type HttpReceiver } from '../support/siem-receivers';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const BATCH = 20;
const WORKER = [process.execPath, '--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'];
const workerEnv = () =>
  appProcessEnv({
    AUDIT_STREAM_BATCH: String(BATCH),
    AUDIT_STREAM_POLL_MS: '100',
    AUDIT_STREAM_MAX_BACKOFF_MS: '300',
    EGRESS_ALLOW: '127.0.0.1',
    LOG_LEVEL: 'info',
  });

let admin: Caller;
let receiver: HttpReceiver;
let sinkId: string;
let startSeq: bigint;
const workers: StartedWorker[] = [];

const head = async () => (await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`)[0].seq;
/** Every batch received, as its seqs, in arrival order. */
const batches = () => receiver.posts.map((p) => (JSON.parse(p.body) as { events: { seq: string }[] }).events.map((e) => Number(e.seq)));
const writeEvents = async (count: number) => {
  for (let done = 0; done < count; done += 100) {
    await recordAuditMany(
      db,
      admin,
      Array.from({ length: Math.min(100, count - done) }, (_, i) => ({ action: 'secret.read', detail: { i: done + i } })),
    );
  }
};
const launch = async () => {
  const worker = await startWorker(WORKER, workerEnv(), 60_000);
  workers.push(worker);
  return worker;
};

beforeAll(async () => {
  admin = await callerAs('admin');
  receiver = await startHttpReceiver();
  // Slow answers, so a kill lands in the middle of the stream.
  receiver.delayMs = 25;
  ({ id: sinkId } = await createSink(admin, { name: 'siem', kind: 'webhook', endpoint: receiver.url('/audit'), allowPlaintext: 'on', enabled: 'on' }));
  startSeq = (await db.auditSink.findUniqueOrThrow({ where: { id: sinkId } })).startSeq;
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await receiver?.stop();
});

describe('audit streaming across worker processes', () => {
  it('a SIGKILLed worker, its successor and two workers at once lose nothing and reorder nothing', async () => {
    await writeEvents(600);
    const first = await launch();
    await eventually(
      async () => batches().length,
      (n) => n >= 5,
      60_000,
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const deliveredBeforeKill = batches().flat().length;
    expect(deliveredBeforeKill).toBeLessThan(600);

    // Two workers at once: one takes the sink, the other waits; events keep coming.
    const [second, third] = await Promise.all([launch(), launch()]);
    await writeEvents(200);
    await eventually(
      async () => batches().flat().length,
      (n) => n >= deliveredBeforeKill + 200,
      60_000,
      20,
    );
    // Whichever holds the sink dies too; the other takes over from the acknowledged seq.
    const holder = [second, third].find((w) => w.output().includes('"audit sink taken"'));
    expect(holder).toBeDefined();
    holder!.child.kill('SIGKILL');
    await holder!.exited;
    await writeEvents(200);

    const through = Number(await head());
    await eventually(
      async () => batches().flat().at(-1),
      (last) => last === through,
      90_000,
      50,
    );
    const survivor = [second, third].find((w) => w !== holder)!;
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);

    // Every batch is a run of consecutive seqs, and each starts where an earlier one ended
    // (the next new seq) or repeats a batch that was in flight when its worker died.
    const all = batches();
    for (const batch of all) expect(batch).toEqual(Array.from({ length: batch.length }, (_, k) => batch[0] + k));
    let next = Number(startSeq) + 1;
    let repeated = 0;
    for (const batch of all) {
      if (batch[0] === next) next = batch.at(-1)! + 1;
      else {
        expect(batch.at(-1)!).toBeLessThan(next); // only what was sent already, never a jump ahead
        repeated += batch.length;
      }
    }
    expect(next).toBe(through + 1);
    // At least once: at most the batch in flight at each of the two kills comes twice.
    expect(repeated).toBeLessThanOrEqual(2 * BATCH);
    const sink = await db.auditSink.findUniqueOrThrow({ where: { id: sinkId } });
    expect(sink.ackedSeq).toBe(BigInt(through));
  }, 240_000);
});
