// Shared seed helpers for integration tests: users of each role, teams, systems and
// secrets, written straight to the database (the code under test is never used to
// build its own fixtures).
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client';
import type { Role } from '@/generated/prisma/enums';
import { callerFor, type Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { providerKeyOf } from '@/lib/discovery/provider-key';

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

export const TEST_REQUEST = { ip: '127.0.0.1', userAgent: 'vitest', requestId: 'test-request' };

export async function seedUser(role: Role, overrides: { email?: string; passwordHash?: string | null } = {}) {
  const email = overrides.email ?? `${unique(role)}@example.test`;
  return db.user.create({
    data: { email, name: `Test ${role}`, role, passwordHash: overrides.passwordHash ?? null },
    select: { id: true, email: true, name: true, role: true },
  });
}

let anonymousCount = 0;

/**
 * A caller signed in as a new user of `role`, or signed out for null. Each signed-out
 * caller has an address of its own: signed-out denials are audited once per address and
 * minute, then counted (lib/audit/signed-out-denials.ts).
 */
export async function callerAs(role: Role | null): Promise<Caller> {
  if (!role) {
    anonymousCount += 1;
    return callerFor(null, { ...TEST_REQUEST, ip: `127.1.${Math.floor(anonymousCount / 256) % 256}.${anonymousCount % 256}` });
  }
  return callerFor(await seedUser(role), TEST_REQUEST);
}

/** Makes the caller a member of the team that owns `secretId` (team-scoped actions need it). */
export async function joinOwningTeam(caller: Caller, secretId: string) {
  const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secretId }, select: { ownerTeamId: true } });
  await db.teamMember.createMany({ data: [{ teamId: ownerTeamId, userId: caller.user!.id }], skipDuplicates: true });
  return caller;
}

export async function seedTeam(name = unique('team')) {
  return db.team.create({ data: { name }, select: { id: true, name: true } });
}

export async function seedSystem(ownerTeamId: string, name = unique('system')) {
  return db.system.create({ data: { name, ownerTeamId }, select: { id: true, name: true } });
}

export async function environmentId(name: 'development' | 'staging' | 'production' = 'production') {
  return (await db.environment.findUniqueOrThrow({ where: { name }, select: { id: true } })).id;
}

/** Valid input for createSecret/updateSecret, with overrides. */
export async function secretInput(overrides: Record<string, unknown> = {}) {
  const team = await seedTeam();
  return {
    name: unique('db-password'),
    description: 'Primary database password',
    environmentId: await environmentId(),
    ownerTeamId: team.id,
    classification: 'critical',
    providerKind: 'aws',
    providerRef: 'eu-west-1/prod/db',
    lastRotatedAt: '2026-01-15',
    rotationIntervalDays: '90',
    tags: 'pci, database',
    ...overrides,
  };
}

/** The secret edit form's fields as stored (what updateSecret takes), with changes. */
export async function editFormOf(secretId: string, changes: Record<string, unknown> = {}) {
  const s = await db.secret.findUniqueOrThrow({ where: { id: secretId } });
  return {
    name: s.name,
    description: s.description,
    environmentId: s.environmentId,
    ownerTeamId: s.ownerTeamId,
    classification: s.classification,
    providerRef: s.providerRef,
    connectionId: s.connectionId ?? '',
    rotationIntervalDays: String(s.rotationIntervalDays ?? ''),
    rotationStrategy: s.rotationStrategy,
    ...((s.rotationConfig ?? {}) as Record<string, unknown>),
    expectedUpdatedAt: s.updatedAt.toISOString(),
    ...changes,
  };
}

export async function auditEventsFor(targetId: string) {
  return db.auditEvent.findMany({ where: { targetId }, orderBy: { id: 'asc' } });
}

/** A provider connection row; local by default (no network). */
export async function seedConnection(kind: 'aws' | 'gcp' | 'local' = 'local', fields: { region?: string; projectId?: string; endpoint?: string } = {}) {
  return db.providerConnection.create({
    data: { name: unique(`${kind}-connection`), kind, ...fields },
    select: { id: true, name: true, kind: true },
  });
}

/** An inventory secret connected to `connectionId`, with a unique provider reference. */
export async function seedConnectedSecret(
  connectionId: string,
  options: { name?: string; environment?: 'development' | 'staging' | 'production'; providerRef?: string } = {},
) {
  const team = await seedTeam();
  const name = options.name ?? unique('api-key');
  const providerKind = (await db.providerConnection.findUniqueOrThrow({ where: { id: connectionId } })).kind;
  const providerRef = options.providerRef ?? `${options.environment ?? 'production'}/${name}`;
  return db.secret.create({
    data: {
      name,
      environmentId: await environmentId(options.environment),
      ownerTeamId: team.id,
      classification: 'critical',
      providerKind,
      providerRef,
      providerKey: providerKeyOf(providerKind, providerRef),
      connectionId,
      rotationIntervalDays: 90,
    },
    select: { id: true, name: true, providerRef: true },
  });
}

/** A discovery scan of a connection; completed (started now) unless told otherwise. Only a
 *  connection with a completed scan is judged by the drift report. */
export async function seedDiscoveryScan(
  connectionId: string,
  fields: { status?: 'running' | 'completed' | 'failed'; startedAt?: Date; finishedAt?: Date | null } = {},
) {
  const startedAt = fields.startedAt ?? new Date();
  const status = fields.status ?? 'completed';
  return db.discoveryScan.create({
    data: { connectionId, trigger: 'manual', status, startedAt, finishedAt: fields.finishedAt ?? (status === 'running' ? null : startedAt) },
    select: { id: true, connectionId: true, startedAt: true },
  });
}

/** What a scan saw of one provider secret (a discovered_secrets row), with overrides. */
export async function seedDiscoveredSecret(
  scan: { id: string; connectionId: string },
  providerKey: string,
  fields: Partial<Omit<Prisma.DiscoveredSecretUncheckedCreateInput, 'connectionId' | 'providerKey' | 'lastScanId'>> = {},
) {
  const now = new Date();
  return db.discoveredSecret.create({
    data: {
      connectionId: scan.connectionId,
      providerKey,
      resourceName: providerKey,
      firstSeenAt: now,
      lastSeenAt: now,
      lastScanId: scan.id,
      ...fields,
    },
    select: { id: true },
  });
}
