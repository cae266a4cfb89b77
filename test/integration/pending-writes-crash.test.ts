// A server killed (SIGKILL) right after the provider confirmed a value write or a version
// change, before the commit: the worker's sweep (lib/jobs/settle-pending-writes.ts) settles it
// within seconds from the provider's answer. The write runs for real in a child process
// (test/support/crash-write.ts) with TEST_CRASH_POINT set, against PostgreSQL and the
// AWS/GCP emulators or the local provider; the sweep runs here, once in a real worker.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { decideApproval, requestApproval } from '@/lib/data/approvals';
import { listSecretHistory } from '@/lib/data/secret-history';
import { getValueTarget, writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { startWorker } from '@/lib/jobs/worker';
import { providerFor } from '@/lib/providers/index';
import { SecretValue } from '@/lib/secret-value';
import { fingerprintOf } from '@/lib/values/fingerprint';
import { settlePendingWrites } from '@/lib/jobs/settle-pending-writes';
import { auditEventsFor, callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { aws, gcp } = useSecretManagerEmulators({ 'pending-project': '313131313131' });

type Job = { op: 'write' | 'change'; secretId: string; input: unknown; value?: string };

/** Runs the write in a child that dies at `point`; a short provider deadline keeps its budget (settle-after) at 5 s. */
function crashingRun(caller: Caller, job: Job, point: string): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', 'test/support/crash-write.ts', JSON.stringify({ ...job, user: caller.user })],
      { cwd: ROOT, env: { ...process.env, TEST_CRASH_POINT: point, PROVIDER_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, output }));
  });
}

const pendingOf = (secretId: string) => db.pendingValueWrite.findMany({ where: { secretId } });

/** Waits until `secretId` has no pending row, running `pass` (a sweep) every 200 ms meanwhile. */
async function settled(secretId: string, pass: () => Promise<unknown> = () => settlePendingWrites()) {
  const deadline = Date.now() + 30_000;
  while ((await pendingOf(secretId)).length) {
    if (Date.now() > deadline) throw new Error('the pending write was not settled within 30 s');
    await pass();
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function engineerWithSecret(connectionId: string, options: { providerRef?: string } = {}) {
  const engineer = await callerAs('engineer');
  const secret = await seedConnectedSecret(connectionId, options);
  await joinOwningTeam(engineer, secret.id);
  return { engineer, secret };
}

/** A child writes `value` and is killed after the provider confirmed it; checks what it left. */
async function crashAfterProvider(engineer: Caller, secretId: string, value: string, token = randomUUID()) {
  const run = await crashingRun(
    engineer,
    { op: 'write', secretId, input: { mode: 'enter', note: 'before the crash', idempotencyToken: token }, value },
    'value_write:after_provider',
  );
  expect(run.signal, run.output).toBe('SIGKILL');
  expect(await db.secretVersion.count({ where: { secretId } })).toBe(0);
  const [row] = await pendingOf(secretId);
  expect(row).toMatchObject({ idempotencyToken: token, kind: 'value_write', actorEmail: engineer.user!.email, source: 'entered', note: 'before the crash' });
  expect(row.settleAfter!.getTime()).toBeGreaterThan(row.startedAt.getTime());
  expect(JSON.stringify(row), 'the value is never in the pending row').not.toContain(value);
  return token;
}

async function expectRecovered(secretId: string, engineer: Caller, versionId: string, fingerprint: Uint8Array | null) {
  const [version] = await db.secretVersion.findMany({ where: { secretId } });
  expect(version).toMatchObject({ providerVersionId: versionId, createdByEmail: engineer.user!.email, source: 'entered', note: 'before the crash' });
  expect(version.fingerprint ? Buffer.from(version.fingerprint) : null).toEqual(fingerprint ? Buffer.from(fingerprint) : null);
  expect((await db.secret.findUniqueOrThrow({ where: { id: secretId } })).lastRotatedAt).not.toBeNull();
  const events = await auditEventsFor(secretId);
  expect(events.map((e) => [e.action, e.outcome, e.actorEmail])).toEqual([['secret.value_write_recovered', 'success', engineer.user!.email]]);
  expect(events[0].detail).toMatchObject({ settledBy: 'worker', submittedBy: engineer.user!.email, providerVersionId: versionId });
  expect(await pendingOf(secretId)).toEqual([]);
}

describe('a value write whose server died after the provider confirmed it', () => {
  it('AWS: a running worker records the version written with the token, and a resubmit of the form writes nothing again', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint })).id);
    const value = `canary-${randomUUID()}`;
    const token = await crashAfterProvider(engineer, secret.id, value);
    expect(aws.describe(secret.providerRef)!.versions.map((v) => v.versionId)).toEqual([token]);

    const worker = await startWorker({ sweepIntervalMs: 200, pollingIntervalSeconds: 1 });
    try {
      await settled(secret.id, async () => undefined);
    } finally {
      await worker.stop({ timeoutMs: 5000 });
    }
    await expectRecovered(secret.id, engineer, token, fingerprintOf(new SecretValue(value)));

    // The person submits the same form again: the recorded version, nothing new anywhere.
    const again = await writeSecretValue(engineer, secret.id, { mode: 'enter', note: 'before the crash', idempotencyToken: token }, value);
    expect(again.versionId).toBe(token);
    expect(aws.describe(secret.providerRef)!.versions).toHaveLength(1);
    expect(await auditEventsFor(secret.id)).toHaveLength(1);
  }, 60_000);

  it('GCP: the sweep adopts the newest unrecorded version since the attempt started, without a fingerprint', async () => {
    const connection = await seedConnection('gcp', { projectId: 'pending-project', endpoint: gcp.endpoint });
    const name = `pending-${randomUUID().slice(0, 8)}`;
    const { engineer, secret } = await engineerWithSecret(connection.id, { providerRef: `production-${name}` });
    await crashAfterProvider(engineer, secret.id, `canary-${randomUUID()}`);
    await settled(secret.id);
    await expectRecovered(secret.id, engineer, '1', null);
    expect((await auditEventsFor(secret.id))[0].detail).toMatchObject({ matchedBy: 'time' });
  }, 60_000);

  it('local: the sweep finds the version by its token', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('local')).id);
    const value = `canary-${randomUUID()}`;
    await crashAfterProvider(engineer, secret.id, value);
    // The Secrets Management tab says a write is still being confirmed, until it is.
    expect((await getValueTarget(engineer, secret.id)).confirmingSince).not.toBeNull();
    await settled(secret.id);
    await expectRecovered(secret.id, engineer, '1', fingerprintOf(new SecretValue(value)));
    expect((await getValueTarget(engineer, secret.id)).confirmingSince).toBeNull();
    // The secret's history says what happened, in words.
    const [shown] = (await listSecretHistory(engineer, secret.id)).items.filter((e) => e.action === 'secret.value_write_recovered');
    expect(shown.label).toBe('New value written (recorded by the worker after an interruption)');
    expect(shown.note).toMatch(new RegExp(`submitted by ${engineer.user!.email}; the worker found provider version 1`));
  }, 60_000);
});

describe('a provider that cannot be asked', () => {
  it('leaves the row for the next pass, which settles it once the provider answers again', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint })).id);
    const value = `canary-${randomUUID()}`;
    const token = await crashAfterProvider(engineer, secret.id, value);
    const [row] = await pendingOf(secret.id);
    await new Promise((r) => setTimeout(r, row.settleAfter!.getTime() - Date.now() + 500)); // past settle-after
    aws.faults.add({ error: 'internal' });
    try {
      await expect(settlePendingWrites()).rejects.toThrow(/could not be checked/);
    } finally {
      aws.faults.clear();
    }
    expect(await pendingOf(secret.id)).toHaveLength(1);
    expect(await auditEventsFor(secret.id)).toEqual([]);
    await settled(secret.id);
    await expectRecovered(secret.id, engineer, token, fingerprintOf(new SecretValue(value)));
  }, 60_000);
});

describe('a value write whose server died before the provider call', () => {
  it('is recorded as not having happened: a failed event naming who submitted it, no version, no pending row', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint })).id);
    const run = await crashingRun(
      engineer,
      { op: 'write', secretId: secret.id, input: { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value: `canary-${randomUUID()}` },
      'value_write:before_provider',
    );
    expect(run.signal, run.output).toBe('SIGKILL');
    expect(await pendingOf(secret.id)).toHaveLength(1);
    await settled(secret.id);
    expect(aws.describe(secret.providerRef)).toBeUndefined();
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
    const events = await auditEventsFor(secret.id);
    expect(events.map((e) => [e.action, e.outcome, e.actorEmail])).toEqual([['secret.value_write_abandoned', 'failed', engineer.user!.email]]);
    expect(events[0].detail).toMatchObject({ settledBy: 'worker', error: 'not_at_provider' });
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).lastRotatedAt).toBeNull();
  }, 60_000);
});

describe('the two-person rule', () => {
  it('a write that did not happen gives its approval back to the requester', async () => {
    await db.classificationPolicy.update({ where: { classification: 'critical' }, data: { requireApproval: true } });
    try {
      const { engineer, secret } = await engineerWithSecret((await seedConnection('local')).id);
      const second = await joinOwningTeam(await callerAs('engineer'), secret.id);
      const { approvalId } = await requestApproval(engineer, secret.id, { kind: 'value_write', note: '' });
      await decideApproval(second, approvalId, { decision: 'approve', note: '' });
      const run = await crashingRun(
        engineer,
        { op: 'write', secretId: secret.id, input: { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value: `canary-${randomUUID()}` },
        'value_write:before_provider',
      );
      expect(run.signal, run.output).toBe('SIGKILL');
      expect((await db.changeApproval.findUniqueOrThrow({ where: { id: approvalId } })).state).toBe('used');
      expect((await pendingOf(secret.id))[0].approvalId).toBe(approvalId);
      await settled(secret.id);
      expect(await db.changeApproval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ state: 'approved', usedAt: null });
      const events = (await auditEventsFor(secret.id)).slice(-2);
      expect(events.map((e) => [e.action, e.actorEmail])).toEqual([
        ['secret.value_write_abandoned', engineer.user!.email],
        ['approval.release', engineer.user!.email],
      ]);
    } finally {
      await db.classificationPolicy.update({ where: { classification: 'critical' }, data: { requireApproval: false } });
    }
  }, 60_000);
});

describe('a version change whose server died after the provider made it', () => {
  it('the sweep finds the change made at the provider and records it for the person who asked', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('local')).id);
    const first = await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `one-${randomUUID()}`);
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `two-${randomUUID()}`);
    const run = await crashingRun(
      engineer,
      { op: 'change', secretId: secret.id, input: { change: 'disable', versionId: first.versionId } },
      'version_change:after_provider',
    );
    expect(run.signal, run.output).toBe('SIGKILL');
    expect((await pendingOf(secret.id)).map((p) => [p.kind, p.change, p.versionId])).toEqual([['version_change', 'disable', first.versionId]]);
    await settled(secret.id);
    const versions = await providerFor({ kind: 'local' }).listVersions(secret.providerRef);
    expect(versions.find((v) => v.versionId === first.versionId)?.state).toBe('disabled');
    const events = (await auditEventsFor(secret.id)).filter((e) => e.action.startsWith('secret.version_change'));
    expect(events.map((e) => [e.action, e.outcome, e.actorEmail])).toEqual([['secret.version_change_recovered', 'success', engineer.user!.email]]);
    expect(events[0].detail).toMatchObject({ change: 'disable', versionId: first.versionId, settledBy: 'worker' });
  }, 60_000);
});

describe('the request and the sweep', () => {
  it('the sweep leaves an attempt in flight alone until its settle-after time; the request records it once', async () => {
    const { engineer, secret } = await engineerWithSecret((await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint })).id);
    aws.faults.add({ operation: 'PutSecretValue', latencyMs: 1500, times: 1 });
    aws.faults.add({ operation: 'CreateSecret', latencyMs: 1500, times: 1 });
    const writing = writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `canary-${randomUUID()}`);
    // While the provider call is in flight the row is not due: a sweep leaves it.
    await new Promise((r) => setTimeout(r, 500));
    expect(await pendingOf(secret.id)).toHaveLength(1);
    expect((await settlePendingWrites()).settled).toBe(0);
    const written = await writing;
    await settlePendingWrites();
    expect((await db.secretVersion.findMany({ where: { secretId: secret.id } })).map((v) => v.providerVersionId)).toEqual([written.versionId]);
    expect((await auditEventsFor(secret.id)).map((e) => e.action)).toEqual(['secret.value_write']);
    expect(await pendingOf(secret.id)).toEqual([]);
  }, 60_000);
});
