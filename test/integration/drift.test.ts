// The drift report over seeded scan snapshots (discovered_secrets written directly, as a
// scan would leave them): each kind found and nothing else, connections not scanned yet
// left out, and the one-click fixes (the label write against the AWS and GCP emulators
// through the real SDKs), a stale click refused, and refusals audited with nothing changed.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixDrift, listDrift, secretDrift, type DriftFinding } from '@/lib/data/drift';
import { listSecretHistory } from '@/lib/data/secret-history';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import type { DriftKind } from '@/lib/discovery/drift';
import { providerKeyOf } from '@/lib/discovery/provider-key';
import { gcpClient } from '@/lib/providers/gcp-client';
import {
  auditEventsFor,
  callerAs,
  joinOwningTeam,
  seedConnectedSecret,
  seedConnection,
  seedDiscoveredSecret,
  seedDiscoveryScan,
  seedTeam,
} from '../support/seed';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();
const { aws, gcp } = useSecretManagerEmulators({ 'drift-project': '424242424242' });

const DAY = 86_400_000;

/** A connected secret with its provider key set (as the edit form sets it), created a day ago. */
async function driftSecret(connection: { id: string; kind: string }, name = `app-${randomUUID().slice(0, 8)}`) {
  const providerRef = connection.kind === 'gcp' ? `production-${name}` : `production/${name}`;
  const secret = await seedConnectedSecret(connection.id, { name, providerRef });
  await db.secret.update({
    where: { id: secret.id },
    data: { providerKey: providerKeyOf(connection.kind, providerRef), createdAt: new Date(Date.now() - DAY) },
  });
  const full = await db.secret.findUniqueOrThrow({ where: { id: secret.id }, include: { ownerTeam: true, environment: true } });
  return { ...secret, providerKey: full.providerKey, team: full.ownerTeam, environment: full.environment.name };
}

/** Labels exactly as the write service leaves them on AWS (tag values as typed). */
const awsLabels = (s: { team: { name: string }; environment: string }) => ({
  owner: s.team.name,
  environment: s.environment,
  'managed-by': 'secret-inventory',
});

const kindsOf = (items: DriftFinding[], secretId: string) =>
  items
    .filter((f) => f.secret.id === secretId)
    .map((f) => f.kind)
    .sort();

async function reportFor(connectionId: string, kind?: DriftKind) {
  const admin = await callerAs('admin');
  return listDrift(admin, { connection: connectionId, ...(kind ? { kind } : {}) });
}

describe('drift findings', () => {
  it('finds each kind on its own secret, and nothing on a secret that agrees', async () => {
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const missing = await driftSecret(connection);
    const deleted = await driftSecret(connection);
    const rotation = await driftSecret(connection);
    const nativeOff = await driftSecret(connection);
    const lastRotated = await driftSecret(connection);
    const withinTolerance = await driftSecret(connection);
    const tags = await driftSecret(connection);
    const outOfBand = await driftSecret(connection);
    const agrees = await driftSecret(connection);
    const scan = await seedDiscoveryScan(connection.id);
    const seen = async (s: Awaited<ReturnType<typeof driftSecret>>, fields: Parameters<typeof seedDiscoveredSecret>[2] = {}) =>
      seedDiscoveredSecret(scan, s.providerKey, { labels: awsLabels(s), ...fields });

    await seen(deleted, { deletionAt: new Date(Date.now() + 7 * DAY) });
    await seen(rotation, { rotationEnabled: true, rotationSchedule: 'rate(30 days)' });
    await db.secret.update({ where: { id: nativeOff.id }, data: { rotationStrategy: 'provider_native' } });
    await seen(nativeOff, { rotationEnabled: false });
    const rotatedAt = new Date(Date.now() - 10 * DAY);
    await db.secret.updateMany({ where: { id: { in: [lastRotated.id, withinTolerance.id] } }, data: { lastRotatedAt: rotatedAt } });
    await seen(lastRotated, { newestVersionAt: new Date(rotatedAt.getTime() + 3 * DAY) });
    await seen(withinTolerance, { newestVersionAt: new Date(rotatedAt.getTime() + 2 * 3_600_000), lastChangedAt: new Date() });
    await seen(tags, { labels: { owner: 'someone-else', environment: tags.environment } });
    await db.secretVersion.create({
      data: {
        secretId: outOfBand.id,
        connectionId: connection.id,
        providerRef: outOfBand.providerRef,
        providerVersionId: 'v-recorded',
        idempotencyToken: randomUUID(),
        source: 'entered',
        createdAt: new Date(Date.now() - DAY),
      },
    });
    await seen(outOfBand, { currentVersionId: 'v-console' });
    await seen(agrees, { rotationEnabled: false });

    const report = await reportFor(connection.id);
    expect(kindsOf(report.items, missing.id)).toEqual(['provider_missing']);
    expect(kindsOf(report.items, deleted.id)).toEqual(['provider_deleted']);
    expect(kindsOf(report.items, rotation.id)).toEqual(['rotation_mismatch']);
    expect(kindsOf(report.items, nativeOff.id)).toEqual(['rotation_mismatch']);
    expect(kindsOf(report.items, lastRotated.id)).toEqual(['last_rotated_mismatch']);
    expect(kindsOf(report.items, withinTolerance.id)).toEqual([]);
    expect(kindsOf(report.items, tags.id)).toEqual(['tags_mismatch']);
    expect(kindsOf(report.items, outOfBand.id)).toEqual(['out_of_band_version']);
    expect(kindsOf(report.items, agrees.id)).toEqual([]);
    expect(report.counts).toEqual({
      provider_missing: 1,
      provider_deleted: 1,
      rotation_mismatch: 2,
      last_rotated_mismatch: 1,
      tags_mismatch: 1,
      out_of_band_version: 1,
    });

    const tagFinding = report.items.find((f) => f.secret.id === tags.id)!;
    expect(tagFinding.provider).toBe(`owner=someone-else, environment=${tags.environment}`);
    expect(tagFinding.inventory).toBe(`owner=${tags.team.name}, environment=${tags.environment}`);
    expect(tagFinding.fix?.kind).toBe('tags_mismatch');
    expect(report.items.find((f) => f.secret.id === deleted.id)!.provider).toMatch(/^Scheduled for deletion on \d{4}-\d\d-\d\d$/);

    const onlyRotation = await reportFor(connection.id, 'rotation_mismatch');
    expect(onlyRotation.items.map((f) => f.secret.id).sort()).toEqual([rotation.id, nativeOff.id].sort());
    expect(onlyRotation.counts.tags_mismatch).toBe(1);

    // The detail page's list for one secret.
    expect((await secretDrift(await callerAs('viewer'), tags.id)).map((f) => f.kind)).toEqual(['tags_mismatch']);
  });

  it('pages by keyset without repeating or skipping a finding', async () => {
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const ids: string[] = [];
    for (let i = 0; i < 55; i += 1) ids.push((await driftSecret(connection)).id);
    await seedDiscoveryScan(connection.id);
    const admin = await callerAs('admin');
    const first = await listDrift(admin, { connection: connection.id });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await listDrift(admin, { connection: connection.id, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((f) => f.secret.id).sort()).toEqual(ids.sort());
  });

  it('judges only connections with a completed scan, and leaves out what the scan cannot have seen', async () => {
    const unscanned = await seedConnection('aws', { region: 'eu-west-1' });
    const lost = await driftSecret(unscanned);
    await seedDiscoveryScan(unscanned.id, { status: 'running' });
    await seedDiscoveryScan(unscanned.id, { status: 'failed' });
    const scanned = await seedConnection('gcp', { projectId: 'drift-project' });
    await seedDiscoveryScan(scanned.id);
    const newer = await driftSecret(scanned);
    await db.secret.update({ where: { id: newer.id }, data: { createdAt: new Date(Date.now() + 60_000) } });
    const decommissioned = await driftSecret(scanned);
    await db.secret.update({ where: { id: decommissioned.id }, data: { status: 'decommissioned' } });

    const report = await reportFor(unscanned.id);
    expect(kindsOf(report.items, lost.id)).toEqual([]);
    expect(report.connections.find((c) => c.id === unscanned.id)?.scannedAt).toBeNull();
    expect(report.connections.find((c) => c.id === scanned.id)?.scannedAt).not.toBeNull();
    const other = await reportFor(scanned.id);
    expect(other.items).toEqual([]);
  });
});

describe('fixes', () => {
  async function engineerOf(secretId: string) {
    return joinOwningTeam(await callerAs('engineer'), secretId);
  }

  async function lastRotatedCase() {
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const secret = await driftSecret(connection);
    const scan = await seedDiscoveryScan(connection.id);
    const providerAt = new Date('2026-11-20T08:30:00.000Z');
    await db.secret.update({ where: { id: secret.id }, data: { lastRotatedAt: new Date('2026-09-01T00:00:00.000Z') } });
    await seedDiscoveredSecret(scan, secret.providerKey, { labels: awsLabels(secret), newestVersionAt: providerAt });
    const [finding] = await secretDrift(await callerAs('admin'), secret.id);
    expect(finding.kind).toBe('last_rotated_mismatch');
    return { secret, scan, providerAt, finding };
  }

  it('updates last rotated and the next due date from the provider, audited', async () => {
    const { secret, providerAt, finding } = await lastRotatedCase();
    const engineer = await engineerOf(secret.id);
    const result = await fixDrift(engineer, { secretId: secret.id, kind: 'last_rotated_mismatch', seen: finding.seen });
    expect(result.done).toMatch(/2026-11-20/);
    const after = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(after.lastRotatedAt).toEqual(providerAt);
    expect(after.nextDueAt).toEqual(new Date(providerAt.getTime() + 90 * DAY));
    const event = (await auditEventsFor(secret.id)).find((e) => e.action === 'secret.drift_last_rotated' && e.outcome === 'success');
    expect(event?.changes).toMatchObject({ lastRotatedAt: { after: providerAt.toISOString() } });
    expect(await secretDrift(engineer, secret.id)).toEqual([]);
    const [shown] = (await listSecretHistory(engineer, secret.id)).items.filter((e) => e.action === 'secret.drift_last_rotated');
    expect(shown).toMatchObject({
      label: 'Drift fixed: last rotated taken from the provider',
      changes: [{ field: 'lastRotatedAt', before: '2026-09-01', after: '2026-11-20' }],
    });
  });

  it('refuses a stale click (the snapshot changed since the page was loaded): audited, nothing changed', async () => {
    const { secret, finding } = await lastRotatedCase();
    await db.discoveredSecret.updateMany({ where: { providerKey: secret.providerKey }, data: { newestVersionAt: new Date('2026-11-25T00:00:00.000Z') } });
    const engineer = await engineerOf(secret.id);
    await expect(fixDrift(engineer, { secretId: secret.id, kind: 'last_rotated_mismatch', seen: finding.seen })).rejects.toThrow(/out of date/);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).lastRotatedAt).toEqual(new Date('2026-09-01T00:00:00.000Z'));
    const events = await auditEventsFor(secret.id);
    expect(events.filter((e) => e.action === 'secret.drift_last_rotated').map((e) => [e.outcome, (e.detail as { error?: string }).error])).toEqual([
      ['failed', 'stale'],
    ]);
    const [shown] = (await listSecretHistory(engineer, secret.id)).items.filter((e) => e.action === 'secret.drift_last_rotated');
    expect(shown.note).toBe('The drift report was out of date when the fix was clicked; nothing was changed');
  });

  it('refuses outsiders: a viewer and an engineer of another team are denied and audited, nothing changes', async () => {
    const { secret, finding } = await lastRotatedCase();
    const before = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const viewer = await callerAs('viewer');
    const outsider = await callerAs('engineer');
    await seedTeam();
    await expect(fixDrift(viewer, { secretId: secret.id, kind: 'last_rotated_mismatch', seen: finding.seen })).rejects.toThrow(/permission/);
    await expect(fixDrift(outsider, { secretId: secret.id, kind: 'last_rotated_mismatch', seen: finding.seen })).rejects.toThrow(/Only members of/);
    expect(await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).toEqual(before);
    const denials = (await auditEventsFor(secret.id)).filter((e) => e.action === 'secret.drift_last_rotated');
    expect(denials.map((e) => [e.outcome, e.actorEmail, (e.detail as { reason?: string }).reason])).toEqual([
      ['denied', viewer.user!.email, 'missing_permission'],
      ['denied', outsider.user!.email, 'not_team_member'],
    ]);
    // The outsider still sees the finding, without the fix offered.
    const [seenByOutsider] = await secretDrift(outsider, secret.id);
    expect(seenByOutsider.mayFix).toBe(false);
  });

  it('records a version written outside the dashboard honestly: source outside, no author, no fingerprint', async () => {
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const secret = await driftSecret(connection);
    await db.secretVersion.create({
      data: {
        secretId: secret.id,
        connectionId: connection.id,
        providerRef: secret.providerRef,
        providerVersionId: 'v-ours',
        idempotencyToken: randomUUID(),
        source: 'generated',
        createdAt: new Date(Date.now() - DAY),
      },
    });
    const scan = await seedDiscoveryScan(connection.id);
    await seedDiscoveredSecret(scan, secret.providerKey, { labels: awsLabels(secret), currentVersionId: 'v-console' });
    const admin = await callerAs('admin');
    const [finding] = await secretDrift(admin, secret.id);
    expect(finding.kind).toBe('out_of_band_version');
    await fixDrift(admin, { secretId: secret.id, kind: 'out_of_band_version', seen: finding.seen });
    const recorded = await db.secretVersion.findUniqueOrThrow({
      where: { secretId_providerVersionId: { secretId: secret.id, providerVersionId: 'v-console' } },
    });
    expect(recorded).toMatchObject({ source: 'outside', fingerprint: null, createdById: null, createdByEmail: null });
    expect(recorded.note).toContain(admin.user!.email);
    expect(await secretDrift(admin, secret.id)).toEqual([]);
    // A second click on the same finding changes nothing more.
    await expect(fixDrift(admin, { secretId: secret.id, kind: 'out_of_band_version', seen: finding.seen })).rejects.toThrow(/finding is gone/);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(2);
  });

  it.each(['aws', 'gcp'] as const)('%s: writes the owner and environment labels to the provider through the write service', async (kind) => {
    const connection = await seedConnection(
      kind,
      kind === 'aws' ? { region: 'us-east-1', endpoint: aws.endpoint } : { projectId: 'drift-project', endpoint: gcp.endpoint },
    );
    const secret = await driftSecret(connection);
    const engineer = await engineerOf(secret.id);
    // The dashboard created the provider secret with the team's name of the time; then the team was renamed.
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `value-${randomUUID()}`);
    const gcpName = `projects/drift-project/secrets/${secret.providerKey}`;
    if (kind === 'gcp') {
      // A label someone else put on the secret, which the fix must leave alone (UpdateSecret replaces the whole map).
      const client = await gcpClient({ endpoint: gcp.endpoint });
      const [current] = await client.getSecret({ name: gcpName });
      await client.updateSecret({ secret: { name: gcpName, labels: { ...current.labels, keep: 'me' } }, updateMask: { paths: ['labels'] } });
    }
    const renamed = `Payments Team ${randomUUID().slice(0, 4)}`;
    await db.team.update({ where: { id: secret.team.id }, data: { name: renamed } });
    const scan = await seedDiscoveryScan(connection.id);
    const oldLabels =
      kind === 'aws'
        ? awsLabels(secret)
        : { owner: secret.team.name.toLowerCase(), environment: secret.environment, 'managed-by': 'secret-inventory', keep: 'me' };
    await seedDiscoveredSecret(scan, secret.providerKey, { labels: oldLabels });
    const [finding] = (await secretDrift(engineer, secret.id)).filter((f) => f.kind === 'tags_mismatch');
    expect(finding.provider).toContain(`owner=${oldLabels.owner}`);
    // What the report expects is what the adapter will write: GCP's label alphabet is lower case, no spaces.
    const expectedOwner = kind === 'aws' ? renamed : renamed.toLowerCase().replaceAll(' ', '_');
    expect(finding.inventory).toBe(`owner=${expectedOwner}, environment=${secret.environment}`);

    await fixDrift(engineer, { secretId: secret.id, kind: 'tags_mismatch', seen: finding.seen });

    if (kind === 'aws') {
      const tags = Object.fromEntries(aws.describe(secret.providerRef)!.tags.map((t) => [t.Key, t.Value]));
      expect(tags).toMatchObject({ owner: expectedOwner, environment: secret.environment, 'managed-by': 'secret-inventory' });
    } else {
      const client = await gcpClient({ endpoint: gcp.endpoint });
      const [stored] = await client.getSecret({ name: gcpName });
      // GCP's label alphabet: lower case, spaces become underscores. The other label stays.
      expect(stored.labels).toEqual({
        owner: renamed.toLowerCase().replaceAll(' ', '_'),
        environment: secret.environment,
        'managed-by': 'secret-inventory',
        keep: 'me',
      });
    }
    expect((await secretDrift(engineer, secret.id)).filter((f) => f.kind === 'tags_mismatch')).toEqual([]);
    const event = (await auditEventsFor(secret.id)).find((e) => e.action === 'secret.drift_labels_written' && e.outcome === 'success');
    expect(event?.changes).toMatchObject({ ownerLabel: { before: oldLabels.owner } });
  });
});
