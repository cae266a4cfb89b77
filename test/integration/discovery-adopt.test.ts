import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitAdoption, previewAdoption } from '@/lib/data/discovery-adopt';
import { driftKindsBySecret } from '@/lib/discovery/drift';
import { createSecret } from '@/lib/data/secrets';
import { discoveryOverview, ignoreDiscovered, listUnmanaged, restoreDiscovered } from '@/lib/data/unmanaged';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { parseUnmanagedQuery } from '@/lib/validation/unmanaged';
import { seedCompletedScan, seedDiscovered } from '../support/discovery-seed';
import { auditEventsFor, callerAs, environmentId, secretInput, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const tag = () => randomUUID().slice(0, 8);
const view = (params: Record<string, string> = {}) => parseUnmanagedQuery(params);

async function awsConnectionWithScan() {
  const connection = await seedConnection('aws', { region: 'eu-west-1' });
  const scan = await seedCompletedScan(connection.id);
  return { connection, scanId: scan.id };
}

const BASE_RULES = { teamLabel: 'team', environmentLabel: 'env', classificationLabel: 'classification', systemsLabel: 'consumers', namePatterns: '' };

describe('the Unmanaged view', () => {
  it('lists what no inventory secret references, however the reference is written', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const t = tag();
    await seedDiscovered(connection.id, scanId, [
      { providerKey: `prod/${t}/db`, resourceName: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/${t}/db-AbC123` },
      { providerKey: `prod/${t}/api`, labels: { team: 'payments' } },
      { providerKey: `prod/${t}/gone`, goneAt: new Date() },
    ]);
    const admin = await callerAs('admin');
    // Inventoried by its full ARN: the name the ARN stands for is what matches.
    await createSecret(
      admin,
      await secretInput({
        name: `db-${t}`,
        connectionId: connection.id,
        providerRef: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/${t}/db-AbC123`,
      }),
    );

    const page = await listUnmanaged(admin, view({ q: t }));
    expect(page.items.map((i) => i.providerKey)).toEqual([`prod/${t}/api`]);
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ connectionName: connection.name, labels: [['team', 'payments']] });
    const overview = (await discoveryOverview(admin)).find((c) => c.id === connection.id)!;
    expect(overview).toMatchObject({ unmanaged: 1, ignored: 0, lastScan: { status: 'completed' } });
  });

  it('filters by tag or label (key, or key and value), connection and deletion state, and pages by name', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const other = await awsConnectionWithScan();
    const t = tag();
    await seedDiscovered(connection.id, scanId, [
      ...Array.from({ length: 60 }, (_, i) => ({ providerKey: `${t}/bulk-${String(i).padStart(2, '0')}`, labels: { env: i % 2 ? 'production' : 'staging' } })),
      { providerKey: `${t}/leaving`, deletionAt: new Date(Date.now() + 7 * 86_400_000) },
    ]);
    await seedDiscovered(other.connection.id, other.scanId, [{ providerKey: `${t}/elsewhere`, labels: { env: 'production' } }]);
    const admin = await callerAs('admin');

    expect((await listUnmanaged(admin, view({ q: t, label: 'env' }))).total).toBe(61);
    expect((await listUnmanaged(admin, view({ q: t, label: 'env:production' }))).total).toBe(31);
    expect((await listUnmanaged(admin, view({ q: t, label: 'env:production', connection: connection.id }))).total).toBe(30);
    expect((await listUnmanaged(admin, view({ q: t, state: 'deletion_scheduled' }))).items.map((i) => i.providerKey)).toEqual([`${t}/leaving`]);

    const first = await listUnmanaged(admin, view({ q: t, connection: connection.id }));
    expect(first.items).toHaveLength(50);
    const second = await listUnmanaged(admin, view({ q: t, connection: connection.id, after: first.nextCursor! }));
    expect(second.items).toHaveLength(11);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(61);
  });

  it('lets an administrator ignore a cloud secret with a reason and take it back, both audited', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const [row] = await seedDiscovered(connection.id, scanId, [{ providerKey: `legacy/${tag()}` }]);
    const admin = await callerAs('admin');

    await expect(ignoreDiscovered(admin, row.id, { reason: ' ' })).rejects.toThrow(InputError);
    await ignoreDiscovered(admin, row.id, { reason: 'Owned by the data team in their own account' });
    await expect(ignoreDiscovered(admin, row.id, { reason: 'again' })).rejects.toThrow('already ignored');
    expect((await listUnmanaged(admin, view({ q: row.providerKey }))).total).toBe(0);
    const ignored = await listUnmanaged(admin, view({ q: row.providerKey, state: 'ignored' }));
    expect(ignored.items[0].ignored).toMatchObject({ by: admin.user!.email, reason: 'Owned by the data team in their own account' });

    await restoreDiscovered(admin, row.id);
    expect((await listUnmanaged(admin, view({ q: row.providerKey }))).total).toBe(1);
    expect((await auditEventsFor(row.id)).map((e) => [e.action, e.outcome])).toEqual([
      ['discovery.ignore', 'success'],
      ['discovery.restore', 'success'],
    ]);
  });

  it('refuses everyone but administrators, audits the refusal and changes nothing', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const [row] = await seedDiscovered(connection.id, scanId, [{ providerKey: `x/${tag()}` }]);
    for (const role of ['engineer', 'viewer', 'auditor'] as const) {
      const caller = await callerAs(role);
      await expect(listUnmanaged(caller, view())).rejects.toThrow(ForbiddenError);
      await expect(ignoreDiscovered(caller, row.id, { reason: 'not ours' })).rejects.toThrow(ForbiddenError);
      await expect(previewAdoption(caller, {}, BASE_RULES)).rejects.toThrow(ForbiddenError);
      const denials = await db.auditEvent.findMany({ where: { actorId: caller.user!.id, outcome: 'denied' }, select: { action: true } });
      expect(denials.map((d) => d.action).sort()).toEqual(['discovery.adopt', 'discovery.ignore', 'discovery.list']);
    }
    expect((await db.discoveredSecret.findUniqueOrThrow({ where: { id: row.id } })).ignoredAt).toBeNull();
  });
});

describe('bulk adoption', () => {
  it('adopts 1,000 cloud secrets in one transaction, mapped by labels and name patterns, with their audit events', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const t = tag();
    const payments = await seedTeam(`Payments ${t}`);
    const platform = await seedTeam(`Platform ${t}`);
    const checkout = await seedSystem(payments.id, `checkout-${t}`);
    const ledger = await seedSystem(payments.id, `ledger-${t}`);
    const rotatedAt = new Date('2026-10-01T00:00:00Z');
    const changedAt = new Date('2026-09-01T00:00:00Z');
    await seedDiscovered(
      connection.id,
      scanId,
      Array.from({ length: 1000 }, (_, i) => ({
        providerKey: `${t}/svc-${String(i).padStart(4, '0')}`,
        description: `service ${i}`,
        // GCP-style label values: lower case, "_" for spaces; the team is still found.
        labels: { team: `payments_${t}`, env: i % 2 ? 'production' : 'staging', classification: 'important', consumers: `checkout-${t}+ledger-${t}` },
        rotationEnabled: i === 0,
        lastRotatedAt: i === 0 ? rotatedAt : null,
        lastChangedAt: changedAt,
      })),
    );
    const admin = await callerAs('admin');
    const filter = { q: t, connection: connection.id };
    // Patterns win over labels: the first ten go to Platform as critical.
    const rules = { ...BASE_RULES, namePatterns: `# platform's own\n${t}/svc-000? => team=Platform ${t}, classification=critical`, rotationIntervalDays: '90' };

    const preview = await previewAdoption(admin, filter, rules);
    expect(preview.summary).toEqual({ total: 1000, valid: 1000, invalid: 0 });
    const first = preview.rows.find((r) => r.providerKey === `${t}/svc-0000`)!;
    expect(first).toMatchObject({ team: platform.name, teamFrom: 'name pattern on line 2', classification: 'critical', rotation: 'provider_native' });
    const later = preview.rows.find((r) => r.providerKey === `${t}/svc-0500`)!;
    expect(later).toMatchObject({ team: payments.name, teamFrom: 'tag or label "team"', environment: 'staging', classification: 'important' });
    expect(later.systems.sort()).toEqual([checkout.name, ledger.name]);
    expect(await db.secret.count({ where: { connectionId: connection.id } })).toBe(0);

    expect(await commitAdoption(admin, filter, rules, preview.digest)).toEqual({ adopted: 1000 });

    const adopted = await db.secret.findMany({ where: { connectionId: connection.id }, include: { consumers: true, environment: true } });
    expect(adopted).toHaveLength(1000);
    const svc0 = adopted.find((s) => s.name === `${t}/svc-0000`)!;
    expect(svc0).toMatchObject({
      ownerTeamId: platform.id,
      classification: 'critical',
      rotationStrategy: 'provider_native',
      providerKind: 'aws',
      providerRef: `${t}/svc-0000`,
      providerKey: `${t}/svc-0000`,
      rotationIntervalDays: 90,
      lastRotatedAt: rotatedAt,
    });
    expect(svc0.environment.name).toBe('staging');
    // Without a rotation date the provider's last change is the last rotation, as drift reads
    // it: a secret adopted a moment ago is not drift.
    expect(adopted.find((s) => s.name === `${t}/svc-0500`)?.lastRotatedAt).toEqual(changedAt);
    expect((await driftKindsBySecret({ connectionId: connection.id })).filter((d) => d.kinds.includes('last_rotated_mismatch'))).toEqual([]);
    expect(adopted.every((s) => s.consumers.length === 2)).toBe(true);
    expect(adopted.filter((s) => s.ownerTeamId === payments.id)).toHaveLength(990);

    const events = await db.auditEvent.findMany({ where: { actorId: admin.user!.id, action: { in: ['secret.create', 'discovery.adopt'] } } });
    expect(events.filter((e) => e.action === 'secret.create')).toHaveLength(1000);
    expect(events.find((e) => e.action === 'discovery.adopt')?.detail).toMatchObject({ adopted: 1000 });
    // Adopted secrets are managed now: the view is empty.
    expect((await listUnmanaged(admin, view({ q: t }))).total).toBe(0);
  });

  it('refuses a bad rule with row errors and writes nothing', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const t = tag();
    const team = await seedTeam(`Team ${t}`);
    await seedDiscovered(connection.id, scanId, [
      { providerKey: `${t}/a`, labels: { team: `Team ${t}`, env: 'production' } },
      { providerKey: `${t}/b`, labels: { team: 'nobody-here', env: 'production' } },
      { providerKey: `${t}/c`, labels: { env: 'production' } },
    ]);
    const admin = await callerAs('admin');
    const rules = { ...BASE_RULES, classificationFallback: 'sensitive', classificationLabel: '' };
    const preview = await previewAdoption(admin, { q: t }, rules);
    expect(preview.summary).toEqual({ total: 3, valid: 1, invalid: 2 });
    expect(preview.rows[0].errors.join()).toMatch(/Team "nobody-here" \(tag or label "team"\) is not a team here|No team/);
    expect(preview.rows.find((r) => r.providerKey === `${t}/c`)?.errors).toEqual(['No team: the secret has no "team" tag or label and no fallback is chosen']);

    await expect(commitAdoption(admin, { q: t }, rules, preview.digest)).rejects.toThrow('2 rows have errors, so nothing was adopted');
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'discovery.adopt', actorId: admin.user!.id } })).toBe(0);

    // A fallback team fixes the unlabelled row; the unknown team stays an error.
    const withFallback = await previewAdoption(admin, { q: t }, { ...rules, teamFallback: team.id });
    expect(withFallback.summary.invalid).toBe(1);
    // Malformed patterns are field errors before anything is planned.
    await expect(previewAdoption(admin, { q: t }, { ...rules, namePatterns: 'no arrow here' })).rejects.toThrow(InputError);
  });

  it('refuses a commit when the view changed since the preview, and names already taken', async () => {
    const { connection, scanId } = await awsConnectionWithScan();
    const t = tag();
    const team = await seedTeam(`Owners ${t}`);
    await seedDiscovered(connection.id, scanId, [{ providerKey: `${t}-one`, labels: { env: 'production' } }]);
    const admin = await callerAs('admin');
    const rules = { ...BASE_RULES, teamFallback: team.id, classificationFallback: 'important' };
    const preview = await previewAdoption(admin, { q: t }, rules);
    expect(preview.summary.valid).toBe(1);

    // A scan brings in another match after the preview.
    await seedDiscovered(connection.id, scanId, [{ providerKey: `${t}-two`, labels: { env: 'production' } }]);
    await expect(commitAdoption(admin, { q: t }, rules, preview.digest)).rejects.toThrow('changed since the preview');
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(0);

    // The inventory already has one of the names in that environment.
    await db.secret.create({
      data: { name: `${t}-two`, environmentId: await environmentId('production'), ownerTeamId: team.id, classification: 'important' },
    });
    const again = await previewAdoption(admin, { q: t }, rules);
    expect(again.rows[0].errors).toEqual([`An inventory secret named "${t}-two" already exists in production`]);
  });
});
