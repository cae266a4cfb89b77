// Issue 12: a provider connection that is unreachable or misconfigured fails its own jobs,
// never the worker. Real worker processes (`npm run worker`) run access ingestion for an
// AWS and a GCP connection against the log API emulators, with one side broken at a time:
// unreachable (a closed loopback port) or misconfigured (no credentials, a bad endpoint). The worker
// stays up, the healthy connection's run succeeds, the broken one's reason is recorded on
// the connection (our words, no SDK text) and cleared by its next good run.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { closeJobSender, jobSender } from '@/lib/jobs/boss';
import { UNEXPECTED_JOB_FAILURE } from '@/lib/jobs/connection-faults';
import { QUEUE } from '@/lib/jobs/queues';
import { startCloudTrailEmulator, type CloudTrailEmulator } from '../emulators/aws-cloudtrail';
import { startGcpLoggingEmulator, type GcpLoggingEmulator } from '../emulators/gcp-logging';
import { eventually } from '../support/eventually';
import { appProcessEnv, appRoot as root, startWorker, type StartedWorker } from '../support/app-process';
import { ownerDb, useTestDatabase } from '../support/test-database';
import { GcpSecretManagerProvider } from '@/lib/providers/gcp';
import { closeGcpClients } from '@/lib/providers/gcp-client';

useTestDatabase();

let trail: CloudTrailEmulator;
let logging: GcpLoggingEmulator;
let closedPort: string;
/** An HTTP server that is not any cloud API: 404 to everything. */
let notAnApi: { url: string; server: Server };
let aws: string;
let gcp: string;

/** A loopback port nothing listens on (bound, then released). */
async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  trail = await startCloudTrailEmulator();
  logging = await startGcpLoggingEmulator();
  closedPort = await closedLoopbackUrl();
  const server = createHttpServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  notAnApi = { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
  aws = (await db.providerConnection.create({ data: { name: 'aws-prod', kind: 'aws', region: 'eu-west-1' } })).id;
  gcp = (await db.providerConnection.create({ data: { name: 'gcp-prod', kind: 'gcp', projectId: 'acme' } })).id;
});

afterAll(async () => {
  await closeJobSender();
  await trail?.close();
  await logging?.close();
  await new Promise((resolve) => notAnApi?.server.close(resolve));
});

type Worker = Omit<StartedWorker, 'exited'> & { stop(): Promise<number | null> };

/** A worker process with these settings; only what is listed reaches it (no ambient credentials). */
async function startWorkerProcess(command: string[], settings: Record<string, string | undefined>): Promise<Worker> {
  const env = appProcessEnv({
    LOG_LEVEL: 'info',
    // Never a cloud metadata server, never a credentials file of this machine.
    METADATA_SERVER_DETECTION: 'none',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: path.join(root, 'no-such-aws-credentials'),
    AWS_CONFIG_FILE: path.join(root, 'no-such-aws-config'),
    GOOGLE_APPLICATION_CREDENTIALS: '',
    CLOUDSDK_CONFIG: path.join(root, 'no-such-gcloud-config'),
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
  });
  const { child, output, exited } = await startWorker(command, env, 60_000);
  return {
    child,
    output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// scripts/worker.ts as `npm start` runs it (node --import tsx): the tsx CLI would sit between
// and SIGKILL the worker when it is slow (a loaded machine) to acknowledge a relayed SIGTERM.
const workerCommand = (script: string, ...args: string[]) => [process.execPath, '--conditions=react-server', '--import', 'tsx', script, ...args];
const npmWorker = () => workerCommand('scripts/worker.ts');
const awsKeys = { AWS_ACCESS_KEY_ID: 'AKIDTESTREADER', AWS_SECRET_ACCESS_KEY: 'test-only-secret-access-key' };

// The worker is a separate process here: on a loaded machine it can take a while to get to a job.
const WORKER_WAIT_MS = 60_000;

const fault = (connectionId: string) => db.connectionJobFault.findUnique({ where: { connectionId_job: { connectionId, job: QUEUE.accessIngest } } });
const completedRuns = async (connectionId: string) => (await db.accessIngestionCursor.findUnique({ where: { connectionId } }))?.completedRuns ?? 0;

/**
 * One ingestion pass in a fresh worker with these settings: the scheduled fan-out job is
 * sent, and the pass is over when the healthy connection completed a run and the broken
 * one has a fault newer than the one it had before. Earlier passes' jobs are removed first.
 */
async function ingestionPass(settings: Record<string, string | undefined>, broken: string, healthy: string) {
  await ownerDb()
    .$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = '${QUEUE.accessIngest}'`)
    .catch(() => {});
  const worker = await startWorkerProcess(npmWorker(), settings);
  try {
    // A fault recorded by this pass is one newer than what the table held before it (a time
    // compared with this process's clock would also accept the previous pass's, just before).
    const failedBefore = (await fault(broken))?.lastFailedAt.getTime() ?? 0;
    const runsBefore = await completedRuns(healthy);
    await (await jobSender()).send(QUEUE.accessIngest, {});
    await eventually(
      () => completedRuns(healthy),
      (n) => n > runsBefore,
      WORKER_WAIT_MS,
    );
    const recorded = await eventually(
      () => fault(broken),
      (f) => f !== null && f.lastFailedAt.getTime() > failedBefore,
      WORKER_WAIT_MS,
    );
    // The worker clears an earlier fault just after the run's cursor moved.
    await eventually(
      () => fault(healthy),
      (f) => f === null,
      10_000,
    );
    expect(worker.child.exitCode, `the worker is still running:\n${worker.output()}`).toBeNull();
    return { recorded: recorded!, output: worker.output() };
  } finally {
    const code = await worker.stop();
    expect(code, `the worker stopped cleanly:\n${worker.output()}`).toBe(0);
  }
}

/** What must never be in a worker's output or a recorded reason: SDK text, stray failures. */
function expectNoLeaks(text: string) {
  expect(text).not.toContain('"unhandled rejection"');
  expect(text).not.toContain('"uncaught exception"');
  expect(text).not.toContain('test-only-secret-access-key');
  expect(text).not.toMatch(/Could not load the default credentials/);
}

describe('a broken provider connection fails its own job, never the worker', () => {
  it('AWS unreachable (CloudTrail on a closed port): recorded as unavailable; GCP ingestion succeeds', async () => {
    const { recorded, output } = await ingestionPass({ ...awsKeys, CLOUDTRAIL_ENDPOINT: closedPort, CLOUD_LOGGING_ENDPOINT: logging.endpoint }, aws, gcp);
    expect(recorded).toMatchObject({ code: 'unavailable', failures: 1 });
    expect(recorded.message).toMatch(/^CloudTrail \(LookupEvents\) could not be reached/);
    expectNoLeaks(output);
  }, 120_000);

  it('GCP unreachable (Cloud Logging on a closed port): recorded as unavailable; the AWS fault clears on its good run', async () => {
    const { recorded, output } = await ingestionPass({ ...awsKeys, CLOUDTRAIL_ENDPOINT: trail.endpoint, CLOUD_LOGGING_ENDPOINT: closedPort }, gcp, aws);
    expect(recorded).toMatchObject({ code: 'unavailable' });
    expect(recorded.message).toMatch(/^Cloud Logging \(entries\.list\) could not be reached/);
    expect(await fault(aws)).toBeNull();
    expectNoLeaks(output);
  }, 120_000);

  it('GCP misconfigured (Google endpoint, no credentials; the issue 12 crash): recorded, the worker lives on', async () => {
    const { recorded, output } = await ingestionPass({ ...awsKeys, CLOUDTRAIL_ENDPOINT: trail.endpoint }, gcp, aws);
    expect(recorded).toMatchObject({ code: 'permission_denied' });
    expect(recorded.message).toMatch(/^No Google credentials were found/);
    // Still failing since the previous pass: the streak's start is kept.
    expect(recorded.failures).toBeGreaterThanOrEqual(2);
    expect(recorded.since.getTime()).toBeLessThan(recorded.lastFailedAt.getTime());
    expectNoLeaks(output);
  }, 120_000);

  it('AWS misconfigured (no credentials anywhere): recorded as such; GCP ingestion succeeds and its fault clears', async () => {
    const { recorded, output } = await ingestionPass({ CLOUDTRAIL_ENDPOINT: trail.endpoint, CLOUD_LOGGING_ENDPOINT: logging.endpoint }, aws, gcp);
    expect(recorded).toMatchObject({ code: 'permission_denied' });
    expect(recorded.message).toMatch(/no AWS credentials/);
    expect(await fault(gcp)).toBeNull();
    expectNoLeaks(output);
  }, 120_000);

  it('AWS bad endpoint (CLOUDTRAIL_ENDPOINT answers 404 to everything): recorded as a rejected request', async () => {
    const { recorded, output } = await ingestionPass({ ...awsKeys, CLOUDTRAIL_ENDPOINT: notAnApi.url, CLOUD_LOGGING_ENDPOINT: logging.endpoint }, aws, gcp);
    expect(recorded).toMatchObject({ code: 'not_found' });
    expect(recorded.message).toBe("CloudTrail (LookupEvents) rejected the request. Check the connection's region and CLOUDTRAIL_ENDPOINT if set.");
    expectNoLeaks(output);
  }, 120_000);

  it('GCP bad endpoint (CLOUD_LOGGING_ENDPOINT not http(s)): recorded as invalid; AWS ingestion succeeds', async () => {
    const { recorded, output } = await ingestionPass(
      { ...awsKeys, CLOUDTRAIL_ENDPOINT: trail.endpoint, CLOUD_LOGGING_ENDPOINT: 'ftp://127.0.0.1:21' },
      gcp,
      aws,
    );
    expect(recorded).toMatchObject({ code: 'invalid', message: 'The logging endpoint must start with http:// or https://.' });
    expectNoLeaks(output);
  }, 120_000);

  it('GCP Secret Manager without Google credentials (rotation steps, value writes): a ProviderError, no unhandled rejection', async () => {
    const stray: unknown[] = [];
    const onRejection = (reason: unknown) => stray.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      // The public endpoint (no override): credentials are looked up, and there are none.
      const provider = new GcpSecretManagerProvider({ kind: 'gcp', projectId: 'acme', location: null, endpoint: null }, { timeoutMs: 2000 });
      for (let i = 0; i < 2; i++) {
        expect(await provider.testConnection()).toMatchObject({
          ok: false,
          code: 'permission_denied',
          message: expect.stringMatching(/^No Google credentials/),
        });
        await expect(provider.listVersions('db-password')).rejects.toMatchObject({ code: 'permission_denied', providerCode: 'NO_CREDENTIALS' });
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(stray).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await closeGcpClients();
    }
  });

  it('a failure escaping a job (unhandled rejection, throwing callback) fails that job only, logged once', async () => {
    await db.connectionJobFault.deleteMany({});
    await db.connectionJobFault.create({
      data: { connectionId: gcp, job: QUEUE.accessIngest, code: 'unavailable', message: 'earlier', since: new Date(), lastFailedAt: new Date() },
    });
    await ownerDb().$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = '${QUEUE.accessIngest}'`);
    const worker = await startWorkerProcess(workerCommand('test/support/stray-failure-worker.ts', aws, gcp), {});
    try {
      await (await jobSender()).send(QUEUE.accessIngest, {});
      const recorded = await eventually(
        () => fault(aws),
        (f) => f !== null,
        WORKER_WAIT_MS,
      );
      expect(recorded).toMatchObject({ code: 'internal', message: UNEXPECTED_JOB_FAILURE });
      await eventually(
        () => fault(gcp),
        (f) => f === null,
        WORKER_WAIT_MS,
      );
      // The callback's exception comes 50 ms later, after the job already failed: logged too.
      await eventually(
        async () => worker.output(),
        (o) => o.includes('"uncaught exception"'),
        10_000,
      );
      expect(worker.child.exitCode, worker.output()).toBeNull();
      const lines = worker.output().split('\n');
      expect(
        lines.filter((l) => l.includes('"unhandled rejection"')),
        'the same rejection twice is logged once',
      ).toHaveLength(1);
      expect(lines.find((l) => l.includes('"unhandled rejection"'))).toContain('"queue":"access-ingest"');
    } finally {
      expect(await worker.stop(), worker.output()).toBe(0);
    }
  }, 120_000);
});
