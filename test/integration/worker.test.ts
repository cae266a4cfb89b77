// The background worker against the test database: queues and schedules in place, jobs
// reaching the right work (real webhook deliveries, retries through pg-boss, the sweep),
// and two workers started at once never running one rotation run's job twice.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '@/lib/clock';
import type { ScanResult } from '@/lib/discovery/scan';
import { db } from '@/lib/db';
import { closeJobSender, jobSender } from '@/lib/jobs/boss';
import { DELIVERY_RETRY_LIMIT, QUEUE, rotationAdvanceSendOptions } from '@/lib/jobs/queues';
import { startWorker, type RunningWorker } from '@/lib/jobs/worker';
import { enqueueDeliveries } from '@/lib/notifications/notify';
import { channelSigningKey, SIGNATURE_HEADER, verifySignature } from '@/lib/notifications/signing';
import { eventually } from '../support/eventually';
import { useTestDatabase } from '../support/test-database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

useTestDatabase();

const clock = new ManualClock(new Date('2026-11-26T09:00:00Z'));

// What the injected rotation work saw, per worker.
const advanced: { runId: string; workerId: string }[] = [];
const running = new Map<string, number>();
let maxConcurrentPerRun = 0;
let tickRunIds: string[] = [];
const snapshots: Date[] = [];
const digestRuns: Date[] = [];
const ingested: string[] = [];
const accessConnections = [randomUUID(), randomUUID()];
const scanned: string[] = [];
// Discovery: the first due connection's scan fails (the provider refused), the second completes.
let discoveryConnections: string[] = [];
const REFUSED = "The dashboard's cloud identity may not list secrets (secretsmanager:ListSecrets).";

const handlers = {
  rotationTick: async () => tickRunIds.splice(0),
  advanceRotation: async (runId: string, _clock: unknown, workerId: string) => {
    running.set(runId, (running.get(runId) ?? 0) + 1);
    maxConcurrentPerRun = Math.max(maxConcurrentPerRun, running.get(runId)!);
    // Long enough that a second copy of the job would overlap if anything allowed one.
    await new Promise((r) => setTimeout(r, 300));
    running.set(runId, running.get(runId)! - 1);
    advanced.push({ runId, workerId });
  },
  sendDueDigests: async (c: Clock) => {
    digestRuns.push(c.now());
    return [];
  },
  recordHealthSnapshot: async (now: Date) => {
    snapshots.push(now);
  },
  ingestibleConnections: async () => accessConnections,
  ingestAccess: async (connectionId: string) => {
    ingested.push(connectionId);
  },
  discoveryDue: async () => discoveryConnections,
  discoveryScan: async (connectionId: string): Promise<ScanResult> => {
    scanned.push(connectionId);
    return connectionId === discoveryConnections[0]
      ? { status: 'failed', scanId: null, code: 'permission_denied', message: REFUSED }
      : { status: 'completed', scanId: null };
  },
};

let workers: RunningWorker[] = [];
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // Two workers at once: both install pg-boss, create the queues and schedule, concurrently.
  workers = await Promise.all(['worker-a', 'worker-b'].map((workerId) => startWorker({ clock, workerId, handlers, pollingIntervalSeconds: 0.5 })));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop({ timeoutMs: 5000 })));
  await closeJobSender();
  await receiver.close();
  // Pools resolve end() before their sockets have closed; the database is dropped next
  // (terminating whatever is still connected), so wait until every connection is gone.
  const { closeDb } = await import('@/lib/db');
  await closeDb();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const others = async () =>
    Number((await client.query('SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].count);
  await eventually(others, (n) => n === 0, 10_000);
  await client.end();
});

async function seedDelivery(fields: { createdAt?: Date } = {}) {
  const channel = await db.notificationChannel.create({
    data: { name: `hook-${randomUUID().slice(0, 8)}`, kind: 'webhook', url: receiver.url(), events: ['rotation.completed'] },
    select: { id: true },
  });
  const payload = {
    event: 'rotation.completed',
    occurredAt: clock.now().toISOString(),
    secret: { id: randomUUID(), name: 'api-key', environment: 'production', ownerTeam: 'Platform' },
    url: 'http://localhost:3000/inventory/x',
  };
  const delivery = await db.notificationDelivery.create({
    data: { channelId: channel.id, event: 'rotation.completed', payload, createdAt: fields.createdAt },
    select: { id: true },
  });
  return { channelId: channel.id, deliveryId: delivery.id };
}

const deliveryRow = (id: string) => db.notificationDelivery.findUniqueOrThrow({ where: { id } });

describe('worker', () => {
  it('creates every queue with its options and schedules the recurring ones', async () => {
    const boss = workers[0].boss;
    const schedules = await boss.getSchedules();
    expect(schedules.find((s) => s.name === QUEUE.rotationTick)).toMatchObject({ cron: '* * * * *' });
    expect(schedules.find((s) => s.name === QUEUE.healthSnapshot)).toMatchObject({ cron: '15 0 * * *' });
    expect(schedules.find((s) => s.name === QUEUE.notificationSweep)).toBeDefined();
    expect(schedules.find((s) => s.name === QUEUE.notificationDigest)).toMatchObject({ cron: '0 7 * * *' });
    expect(schedules.find((s) => s.name === QUEUE.accessIngest)).toMatchObject({ cron: '*/15 * * * *' });
    expect(schedules.find((s) => s.name === QUEUE.discoveryScan)).toMatchObject({ cron: '*/15 * * * *' });
    expect(schedules.find((s) => s.name === QUEUE.signedOutDenials)).toMatchObject({ cron: '* * * * *' });
    expect(schedules.find((s) => s.name === QUEUE.postureRefresh)).toMatchObject({ cron: '*/15 * * * *' });
    expect(await boss.getQueue(QUEUE.notificationDeliver)).toMatchObject({
      policy: 'stately',
      retryLimit: DELIVERY_RETRY_LIMIT,
      retryDelay: 5,
      retryBackoff: true,
    });
    expect(await boss.getQueue(QUEUE.rotationAdvance)).toMatchObject({ policy: 'stately' });
  });

  it('delivers a queued notification: a signed POST, recorded as delivered', async () => {
    const { channelId, deliveryId } = await seedDelivery();
    const before = receiver.received.length;
    await enqueueDeliveries([deliveryId]);
    const row = await eventually(
      () => deliveryRow(deliveryId),
      (r) => r.status !== 'pending',
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(row.deliveredAt).toEqual(clock.now());
    const request = receiver.received.slice(before).find((r) => r.headers['x-secret-inventory-delivery'] === deliveryId)!;
    expect(verifySignature(request.headers[SIGNATURE_HEADER.toLowerCase()] as string, request.body, channelSigningKey(channelId))).toBe(true);
  });

  it('retries a failed delivery through pg-boss until it is accepted', async () => {
    const { deliveryId } = await seedDelivery();
    receiver.respondWith(503);
    await enqueueDeliveries([deliveryId]);
    await eventually(
      () => deliveryRow(deliveryId),
      (r) => r.attempts === 1,
    );
    const row = await eventually(
      () => deliveryRow(deliveryId),
      (r) => r.status !== 'pending',
      45_000,
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });
  }, 60_000);

  it('sends again a delivery whose job was lost (the sweep)', async () => {
    const { deliveryId } = await seedDelivery({ createdAt: new Date(Date.now() - 10 * 60_000) });
    await (await jobSender()).send(QUEUE.notificationSweep, {});
    const row = await eventually(
      () => deliveryRow(deliveryId),
      (r) => r.status !== 'pending',
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('fans the tick out into one advance job per run, each run advanced once', async () => {
    const runs: string[] = [randomUUID(), randomUUID(), randomUUID()];
    tickRunIds = [...runs];
    await (await jobSender()).send(QUEUE.rotationTick, {});
    await eventually(
      async () => advanced.filter((a) => runs.includes(a.runId)).length,
      (n) => n === runs.length,
    );
    // Nothing else arrives later either.
    const boss = workers[0].boss;
    await eventually(
      () => boss.getQueueSize(QUEUE.rotationAdvance),
      (n) => n === 0,
    );
    expect(
      advanced
        .filter((a) => runs.includes(a.runId))
        .map((a) => a.runId)
        .sort(),
    ).toEqual([...runs].sort());
  });

  it("runs a run's advance job once, though two workers watch and it is sent twice", async () => {
    const runId = randomUUID();
    const sender = await jobSender();
    const first = await sender.send(QUEUE.rotationAdvance, { runId }, rotationAdvanceSendOptions(runId));
    const second = await sender.send(QUEUE.rotationAdvance, { runId }, rotationAdvanceSendOptions(runId));
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull(); // already queued for this run
    const job = await eventually(
      () => workers[0].boss.getJobById(QUEUE.rotationAdvance, first!),
      (j) => j?.state === 'completed',
    );
    expect(job?.state).toBe('completed');
    expect(advanced.filter((a) => a.runId === runId)).toHaveLength(1);
    expect(maxConcurrentPerRun).toBe(1);
  });

  it('never runs two jobs of one run at the same time', async () => {
    const runId = randomUUID();
    const sender = await jobSender();
    const first = await sender.send(QUEUE.rotationAdvance, { runId }, rotationAdvanceSendOptions(runId));
    await eventually(
      async () => running.get(runId) ?? 0,
      (n) => n === 1,
    );
    // The run is being advanced: a new job may wait, but must not start alongside it.
    const second = await sender.send(QUEUE.rotationAdvance, { runId }, rotationAdvanceSendOptions(runId));
    expect(second).toEqual(expect.any(String));
    for (const id of [first!, second!]) {
      await eventually(
        () => workers[1].boss.getJobById(QUEUE.rotationAdvance, id),
        (j) => j?.state === 'completed',
      );
    }
    expect(advanced.filter((a) => a.runId === runId)).toHaveLength(2);
    expect(maxConcurrentPerRun).toBe(1);
  });

  it('records the health snapshot with the injected clock', async () => {
    await (await jobSender()).send(QUEUE.healthSnapshot, {});
    await eventually(
      async () => snapshots.length,
      (n) => n > 0,
    );
    expect(snapshots[0]).toEqual(clock.now());
  });

  it('sends the due digests with the injected clock', async () => {
    await (await jobSender()).send(QUEUE.notificationDigest, {});
    await eventually(
      async () => digestRuns.length,
      (n) => n > 0,
    );
    expect(digestRuns[0]).toEqual(clock.now());
  });

  it('fans the access-ingest schedule out into one ingestion per cloud connection', async () => {
    await (await jobSender()).send(QUEUE.accessIngest, {});
    await eventually(
      async () => ingested.length,
      (n) => n >= accessConnections.length,
    );
    await eventually(
      () => workers[0].boss.getQueueSize(QUEUE.accessIngest),
      (n) => n === 0,
    );
    expect([...ingested].sort()).toEqual([...accessConnections].sort());
  });

  it('fans the discovery schedule out into one scan per due connection, recording a failed scan on its connection', async () => {
    const [refused, fine] = await Promise.all(
      [0, 1].map(() => db.providerConnection.create({ data: { name: `discovery-${randomUUID().slice(0, 8)}`, kind: 'aws', region: 'eu-west-1' } })),
    );
    discoveryConnections = [refused.id, fine.id];
    await (await jobSender()).send(QUEUE.discoveryScan, {});
    await eventually(
      async () => scanned.length,
      (n) => n >= 2,
    );
    const faults = await eventually(
      () => db.connectionJobFault.findMany({ where: { job: QUEUE.discoveryScan } }),
      (rows) => rows.length > 0,
    );
    expect(faults).toMatchObject([{ connectionId: refused.id, code: 'permission_denied', message: REFUSED }]);
    expect([...scanned].sort()).toEqual([refused.id, fine.id].sort());
  });
});
