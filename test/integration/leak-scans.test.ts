// The leak check's data layer on real PostgreSQL: a paste with a value written through the
// dashboard is matched to its secret and version (current and previous), a credential of a
// known shape is flagged, the CLI's batches go through the same matching, who sees what,
// the incident opened from a finding, the hourly limits, the audit trail, and nothing
// scanned kept anywhere in the database.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import { describe, expect, it } from 'vitest';
import { can } from '@/lib/auth/permissions';
import { getIncident, markCompromised } from '@/lib/data/incidents';
import {
  finishLeakScan,
  getLeakScan,
  LEAK_SCANS_PER_HOUR,
  LeakRateLimitError,
  listLeakScans,
  listSecretLeakFindings,
  recordLeakBatch,
  startLeakScan,
  startUploadScan,
} from '@/lib/data/leak-scans';
import { listSecretHistory } from '@/lib/data/secret-history';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import type { Caller } from '@/lib/auth/caller';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { git } from '@/test/support/git';

useTestDatabase();

/** A fake AWS access key pair of the documented shape (not a real credential). */
const FAKE_AWS = { id: 'AKIAQWERTYUIOPASDFGH', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function secretWithValue(engineer: Caller) {
  const secret = await seedConnectedSecret((await seedConnection('local')).id);
  await joinOwningTeam(engineer, secret.id);
  const value = `canary-${randomUUID()}`;
  await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
  return { secret, value };
}

async function writeAgain(engineer: Caller, secretId: string) {
  const value = `canary-${randomUUID()}`;
  await writeSecretValue(engineer, secretId, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
  return value;
}

const logWith = (lines: string[]) => ['2026-12-06T10:00:00Z INFO boot', ...lines, '2026-12-06T10:00:02Z INFO ready'].join('\n');

async function paste(caller: Caller, text: string) {
  const started = await startUploadScan(caller, { source: 'paste', name: '', bytes: Buffer.from(text) });
  const result = await started.run();
  expect(result.error).toBeNull();
  return result.scanId;
}

/** Every row of every table, as text: what a dump of the database would hold. */
async function databaseText(): Promise<string> {
  const tables = await db.$queryRaw<{ t: string }[]>`
    SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  let text = '';
  for (const { t } of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`);
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

describe('scanning pasted text', () => {
  it('matches a written value to its secret and version, flags an unknown AWS key, and keeps neither', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value } = await secretWithValue(engineer);
    const scanId = await paste(
      engineer,
      logWith([
        `2026-12-06T10:00:01Z DEBUG connecting with DB_PASSWORD=${value}`,
        `aws_access_key_id = ${FAKE_AWS.id}`,
        `aws_secret_access_key = ${FAKE_AWS.secret}`,
      ]),
    );
    const detail = await getLeakScan(engineer, scanId);
    expect(detail.scan).toMatchObject({ status: 'completed', kind: 'paste', label: 'Pasted text' });
    const inventory = detail.findings.filter((f) => f.secret);
    expect(inventory).toHaveLength(1);
    expect(inventory[0]).toMatchObject({
      severity: 'current_value',
      secret: { id: secret.id, name: secret.name },
      line: 2,
      path: '',
      mayMarkCompromised: true,
    });
    expect(inventory[0].providerVersionId).toBe('1');
    expect(detail.findings.some((f) => f.severity === 'pattern' && f.ruleId && /aws/i.test(f.ruleId))).toBe(true);
    expect(detail.counts.current_value).toBe(1);
    for (const f of detail.findings) {
      expect(f.preview).not.toContain(value.slice(7, 15));
      expect(f.preview).not.toContain(FAKE_AWS.id.slice(4, 12));
    }

    const dump = await databaseText();
    expect(dump).not.toContain(value);
    expect(dump).not.toContain(value.slice(-12)); // no part of it either
    expect(dump).not.toContain(FAKE_AWS.id);
    expect(dump).not.toContain(FAKE_AWS.secret.slice(0, 12));

    const events = await db.auditEvent.findMany({
      where: { action: { in: ['leak.scan_start', 'leak.scan_finish', 'secret.leak_found'] } },
      orderBy: { seq: 'asc' },
    });
    const mine = events.filter((e) => e.targetId === scanId || e.targetId === secret.id);
    expect(mine.map((e) => e.action)).toEqual(['leak.scan_start', 'secret.leak_found', 'leak.scan_finish']);
    expect(mine[2].detail).toMatchObject({ status: 'completed', currentValues: 1 });
    const history = await listSecretHistory(engineer, secret.id, { limit: 5 });
    expect(history.items.find((e) => e.action === 'secret.leak_found')).toMatchObject({
      label: 'Found by a leak check',
      note: 'A leak check found its current value',
    });
  });

  it('reports a value that was rotated away as a previous value', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value: old } = await secretWithValue(engineer);
    const current = await writeAgain(engineer, secret.id);
    const scanId = await paste(engineer, `first: ${old}\nsecond: ${current}\n`);
    const { findings } = await getLeakScan(engineer, scanId);
    expect(findings.map((f) => [f.severity, f.line, f.providerVersionId])).toEqual([
      ['current_value', 2, '2'],
      ['previous_value', 1, '1'],
    ]);
    const onlyPrevious = await getLeakScan(engineer, scanId, { severity: 'previous_value' });
    expect(onlyPrevious.findings.map((f) => f.line)).toEqual([1]);
  });
});

/** git in a temporary repository, with a fixed identity and no system or user configuration. */

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [name, text] of Object.entries(files)) archive.append(text, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('scanning an uploaded file', () => {
  it('reads a zip entry by entry and names the file and line', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value } = await secretWithValue(engineer);
    const zip = await zipOf({ 'README.md': '# demo\n', 'config/prod.env': `HOST=db.internal\nDB_PASSWORD=${value}\n` });
    const started = await startUploadScan(engineer, { source: 'file', name: 'C:\\Users\\me\\repo.zip', bytes: zip });
    expect((await started.run()).error).toBeNull();
    const { scan, findings } = await getLeakScan(engineer, started.scanId);
    expect(scan).toMatchObject({ kind: 'upload', label: 'repo.zip', files: 2 });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ secret: { id: secret.id }, path: 'config/prod.env', line: 2, preview: 'DB_PASSWORD=•••• (43 chars)' });
  });

  it('scans the whole history of a git bundle: a value committed and later deleted is found at its first commit; the clone is removed', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value } = await secretWithValue(engineer);
    const dir = mkdtempSync(path.join(tmpdir(), 'leak-ui-repo-'));
    try {
      git(dir, ['init', '-q', '-b', 'main', '.']);
      writeFileSync(path.join(dir, 'app.env'), `API_URL=https://api.example.test\nAPI_TOKEN=${value}\n`);
      git(dir, ['add', '.']);
      git(dir, ['commit', '-q', '-m', 'config'], '2026-03-04T05:06:07Z');
      const first = git(dir, ['rev-parse', 'HEAD']);
      writeFileSync(path.join(dir, 'app.env'), 'API_URL=https://api.example.test\n');
      git(dir, ['commit', '-q', '-am', 'remove the token'], '2026-03-05T00:00:00Z');
      git(dir, ['bundle', 'create', '-q', 'repo.bundle', '--all']);
      const bundle = readFileSync(path.join(dir, 'repo.bundle'));
      const before = readdirSync(tmpdir()).filter((n) => n.startsWith('leak-bundle-'));

      const started = await startUploadScan(engineer, { source: 'file', name: 'repo.bundle', bytes: bundle });
      expect((await started.run()).error).toBeNull();
      const { scan, findings } = await getLeakScan(engineer, started.scanId);
      expect(scan).toMatchObject({ kind: 'git_bundle', status: 'completed', commits: 2 });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ secret: { id: secret.id }, path: 'app.env', line: 2, commit: first, authorDate: '2026-03-04T05:06:07.000Z' });
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('leak-bundle-'))).toEqual(before);
      expect(await databaseText()).not.toContain(value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends a scan of a broken zip as failed, in our own words', async () => {
    const engineer = await callerAs('engineer');
    const zip = await zipOf({ 'a.txt': 'hello there' });
    const started = await startUploadScan(engineer, { source: 'file', name: 'broken.zip', bytes: zip.subarray(0, zip.length - 30) });
    const result = await started.run();
    expect(result.error).toMatch(/zip/i);
    expect((await getLeakScan(engineer, started.scanId)).scan).toMatchObject({ status: 'failed', error: result.error });
  });
});

describe('who sees what', () => {
  it('names a finding to the owning team, admins and auditors; the starter outside the team learns only that it matches another team', async () => {
    const owner = await callerAs('engineer');
    const { secret, value } = await secretWithValue(owner);
    const outsider = await callerAs('engineer');
    const scanId = await paste(outsider, `token=${value}`);

    const seenByStarter = await getLeakScan(outsider, scanId);
    expect(seenByStarter.findings).toHaveLength(1);
    expect(seenByStarter.findings[0]).toMatchObject({ secret: null, otherTeam: true, providerVersionId: null, mayMarkCompromised: false });
    expect(JSON.stringify(seenByStarter)).not.toContain(secret.name);

    for (const role of ['admin', 'auditor'] as const) {
      const view = await getLeakScan(await callerAs(role), scanId);
      expect(view.findings[0].secret?.id).toBe(secret.id);
      expect(view.findings[0].mayMarkCompromised).toBe(role === 'admin');
    }
    // The owning team sees it on the secret's page; a viewer of another team does not.
    expect((await listSecretLeakFindings(owner, secret.id))?.map((f) => f.scanId)).toEqual([scanId]);
    expect(await listSecretLeakFindings(await callerAs('viewer'), secret.id)).toBeNull();
    const teamViewer = await joinOwningTeam(await callerAs('viewer'), secret.id);
    expect((await listSecretLeakFindings(teamViewer, secret.id))?.[0]).toMatchObject({ severity: 'current_value', mayMarkCompromised: false });
  });

  it('notifies the channels once per secret and scan, naming the secret but never the value', async () => {
    const owner = await callerAs('engineer');
    const { secret, value } = await secretWithValue(owner);
    const channel = await db.notificationChannel.create({
      data: { name: `leaks-${randomUUID()}`, kind: 'webhook', url: 'https://hooks.example.test/leaks', events: ['secret.leak_found'] },
    });
    const outsider = await callerAs('engineer');
    await paste(outsider, `a=${value}\nb="${value}"\n`);
    const deliveries = await db.notificationDelivery.findMany({ where: { channelId: channel.id } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].payload).toMatchObject({ event: 'secret.leak_found', secret: { id: secret.id, name: secret.name } });
    expect(JSON.stringify(deliveries[0].payload)).not.toContain(value);
    await db.notificationChannel.delete({ where: { id: channel.id } });
  });

  it('keeps a scan to its starter (and admins, auditors): others are refused, audited', async () => {
    const engineer = await callerAs('engineer');
    const scanId = await paste(engineer, 'nothing to see here at all');
    const other = await callerAs('engineer');
    await expect(getLeakScan(other, scanId)).rejects.toThrow(ForbiddenError);
    expect((await listLeakScans(other)).items.map((s) => s.id)).not.toContain(scanId);
    expect((await listLeakScans(engineer)).items.map((s) => s.id)).toContain(scanId);
    expect((await listLeakScans(await callerAs('auditor'))).scope).toBe('all');
    const denied = await db.auditEvent.findFirst({ where: { action: 'leak.scan_read', targetId: scanId, outcome: 'denied' } });
    expect(denied?.detail).toMatchObject({ reason: 'not_scan_starter' });
  });

  it.each([
    { who: 'a viewer', role: 'viewer' },
    { who: 'an auditor', role: 'auditor' },
    { who: 'a signed-out caller', role: null },
  ] as const)('$who cannot scan; the refusal is audited', async ({ role }) => {
    const caller = await callerAs(role);
    expect(can(caller.user?.role, 'leak.scan')).toBe(false);
    await expect(startUploadScan(caller, { source: 'paste', name: '', bytes: Buffer.from('anything at all here') })).rejects.toThrow(ForbiddenError);
    await expect(startLeakScan(caller, { kind: 'cli', label: 'repo' })).rejects.toThrow(ForbiddenError);
    if (role) expect(await db.auditEvent.count({ where: { action: 'leak.scan_start', actorId: caller.user!.id, outcome: 'denied' } })).toBe(2);
    if (role === 'viewer') await expect(listLeakScans(caller)).rejects.toThrow(ForbiddenError);
  });
});

describe('the CLI path', () => {
  it('matches batches of candidates, refuses anyone but the starter, and a finished scan takes no more', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value } = await secretWithValue(engineer);
    const { scanId } = await startLeakScan(engineer, { kind: 'cli', label: 'acme/api' });
    const where = { path: 'config/.env', line: 3, commit: 'a'.repeat(40), authorDate: '2026-01-02T03:04:05Z', preview: 'API_KEY=•••• (43 chars)' };
    const batch = {
      candidates: [
        { text: value, ...where },
        { text: 'not-a-secret-at-all-xyz', ...where, line: 4 },
      ],
      patterns: [{ ruleId: '@secretlint/secretlint-rule-aws', ...where, line: 9, preview: 'aws_access_key_id=•••• (20 chars)' }],
      progress: { bytes: 1000, files: 3, commits: 2 },
    };
    expect(await recordLeakBatch(engineer, scanId, batch)).toEqual({ findings: 2 });
    await expect(recordLeakBatch(await callerAs('engineer'), scanId, batch)).rejects.toThrow(ForbiddenError);
    await expect(finishLeakScan(await callerAs('admin'), scanId, { status: 'completed' })).rejects.toThrow(ForbiddenError);
    expect(await finishLeakScan(engineer, scanId, { status: 'completed' })).toEqual({ scanId, findings: 2, url: `/leaks/${scanId}` });
    await expect(recordLeakBatch(engineer, scanId, batch)).rejects.toThrow(/finished/);

    const { scan, findings } = await getLeakScan(engineer, scanId);
    expect(scan).toMatchObject({ bytes: 1000, files: 3, commits: 2, candidates: 2, findings: 2, status: 'completed' });
    expect(findings[0]).toMatchObject({ severity: 'current_value', secret: { id: secret.id }, path: 'config/.env', line: 3, commit: 'a'.repeat(40) });
    expect(findings[0].authorDate).toBe('2026-01-02T03:04:05.000Z');
    expect(findings[1]).toMatchObject({ severity: 'pattern', ruleId: '@secretlint/secretlint-rule-aws', line: 9 });
    expect(await databaseText()).not.toContain(value);
  });

  it('refuses a batch over 5,000 candidates without echoing any of them', async () => {
    const engineer = await callerAs('engineer');
    const { scanId } = await startLeakScan(engineer, { kind: 'cli', label: 'big' });
    const candidates = Array.from({ length: 5001 }, (_, i) => ({ text: `candidate-${i}-secretish`, path: 'a', line: 1, preview: 'x' }));
    const error = await recordLeakBatch(engineer, scanId, { candidates }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(JSON.stringify({ message: (error as InputError).message, fields: (error as InputError).fieldErrors })).not.toContain('secretish');
  });
});

describe('limits', () => {
  it(`allows ${LEAK_SCANS_PER_HOUR} scans an hour per user, then refuses (audited)`, async () => {
    const engineer = await callerAs('engineer');
    for (let i = 0; i < LEAK_SCANS_PER_HOUR; i++) await startLeakScan(engineer, { kind: 'cli', label: `repo ${i}` });
    await expect(startLeakScan(engineer, { kind: 'cli', label: 'one more' })).rejects.toThrow(LeakRateLimitError);
    const denied = await db.auditEvent.findFirst({ where: { action: 'leak.scan_start', actorId: engineer.user!.id, outcome: 'denied' } });
    expect(denied?.detail).toMatchObject({ reason: 'leak_scans_limited' });
    // Another user is not held up.
    await expect(startLeakScan(await callerAs('engineer'), { kind: 'cli', label: 'repo' })).resolves.toHaveProperty('scanId');
  });
});

describe('mark compromised from a finding', () => {
  it('opens the incident with the finding attached; a finding of another secret is refused', async () => {
    const engineer = await callerAs('engineer');
    const { secret, value } = await secretWithValue(engineer);
    const other = await secretWithValue(engineer);
    const scanId = await paste(engineer, `PASSWORD=${value}\nOTHER=${other.value}`);
    const { findings } = await getLeakScan(engineer, scanId);
    const mine = findings.find((f) => f.secret?.id === secret.id)!;
    const theirs = findings.find((f) => f.secret?.id === other.secret.id)!;
    await expect(markCompromised(engineer, secret.id, { reason: 'Found in a log', leakFindingId: theirs.id })).rejects.toThrow(InputError);
    const { incidentId } = await markCompromised(engineer, secret.id, { reason: 'Found in a log', leakFindingId: mine.id });
    const incident = await getIncident(engineer, incidentId);
    expect(incident.leakFinding).toMatchObject({ id: mine.id, scanId, severity: 'current_value', where: { line: 1, path: '' } });
    // A viewer of another team may open the incident, but not see where it was found.
    expect((await getIncident(await callerAs('viewer'), incidentId)).leakFinding).toMatchObject({ id: mine.id, where: null });
  });
});
