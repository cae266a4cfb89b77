// The crash test: a worker process is killed with SIGKILL at each step of a rotation in
// turn, once after its provider work but before it is recorded and once right after it is
// recorded (ROTATION_KILL_AT), then started again. Every rotation must still
// complete exactly once: one new provider version, the right labels, each step and one
// completion recorded once. The worker is the real `scripts/worker.ts --once` in its own
// process, reaching the AWS emulator and the test database over loopback.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRotation } from '@/lib/data/rotations';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { providerFor } from '@/lib/providers/index';
import { auditEventsFor, callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let aws: AwsSecretsManagerEmulator;
let gcp: GcpSecretManagerEmulator;
beforeAll(async () => {
  aws = await startAwsSecretsManagerEmulator();
  gcp = await startGcpSecretManagerEmulator({ projectNumbers: { 'crash-project': '424242424242' } });
});
afterAll(async () => {
  await aws.close();
  await gcp.close();
});

/** Runs one worker pass in a child process; resolves with how it ended. */
function workerPass(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts', '--once'], {
      cwd: ROOT,
      env: { ...process.env, WORKER_ID: 'crash-test-worker', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

const KILL_POINTS = ['value_written', 'verified', 'promoted', 'grace_ended'].flatMap((step) => [`before:${step}`, `after:${step}`]);

describe('a worker killed after each step', () => {
  for (const point of KILL_POINTS) {
    it(`killed at ${point}: the restarted worker finishes the rotation exactly once`, async () => {
      const engineer = await callerAs('engineer');
      const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
      const secret = await seedConnectedSecret(connection.id);
      await joinOwningTeam(engineer, secret.id);
      await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated' } });
      await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `initial-${randomUUID()}`);
      const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 });
      const previous = (await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).previousVersionId!;

      const killed = await workerPass({ ROTATION_KILL_AT: point });
      expect(killed.signal, killed.output).toBe('SIGKILL');
      const restarted = await workerPass({});
      expect(restarted.code, restarted.output).toBe(0);

      const run = await db.rotationRun.findUniqueOrThrow({ where: { id: runId } });
      expect(run.state).toBe('completed');
      const versions = aws.describe(secret.providerRef)!.versions;
      expect(versions, 'the initial version and exactly one new one').toHaveLength(2);
      const labelled = Object.fromEntries(versions.map((v) => [v.versionId, v.stages]));
      expect(labelled[run.newVersionId!]).toEqual(['AWSCURRENT']);
      expect(labelled[previous]).toEqual([]); // retired: grace period zero
      const steps = (await auditEventsFor(secret.id)).map((e) => e.action).filter((a) => a.startsWith('rotation.'));
      expect(steps).toEqual(['rotation.start', 'rotation.value_written', 'rotation.verified', 'rotation.promoted', 'rotation.grace_ended']);
      expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(2);
    }, 60_000);
  }
});

describe('GCP, which has no write tokens', () => {
  it('a worker killed after adding the version but before recording it: the restart adopts that version instead of adding another', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('gcp', { projectId: 'crash-project', endpoint: gcp.endpoint });
    const name = `crash-${randomUUID().slice(0, 8)}`;
    const secret = await seedConnectedSecret(connection.id, { name, providerRef: `production-${name}` });
    await joinOwningTeam(engineer, secret.id);
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated' } });
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `initial-${randomUUID()}`);
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 });

    expect((await workerPass({ ROTATION_KILL_AT: 'before:value_written' })).signal).toBe('SIGKILL');
    expect((await workerPass({})).code).toBe(0);

    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: runId } })).state).toBe('completed');
    const versions = await providerFor({ kind: 'gcp', projectId: 'crash-project', endpoint: gcp.endpoint }).listVersions(secret.providerRef);
    expect(versions.map((v) => [v.versionId, v.state])).toEqual([
      ['2', 'enabled'],
      ['1', 'disabled'],
    ]);
  }, 60_000);
});
