// "Who really reads this secret": the provider's own access logs (lib/access ingests them)
// set against the systems the inventory says consume the secret. Two views with two
// permissions: the per-principal summary is part of reading the secret (secrets.read);
// the raw event list (IPs, user agents, every call) is audit material (audit.read).
//
// Matching a logged principal to a declared system: a system's `principals` (IAM ARNs,
// service-account emails) when it lists any, compared case-insensitively; otherwise its
// name against the principal's short name (role or user name, the service account's
// local part), so "billing-api" matches arn:…:role/billing-api without configuration.
import 'server-only';
import { z } from 'zod';
import { READ_EVENTS, type AccessEventInput } from '@/lib/access/types';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';

export type SecretReader = {
  principal: string;
  principalType: string;
  reads: number;
  failures: number;
  firstReadAt: Date;
  lastReadAt: Date;
  /** Declared consuming systems this principal belongs to; empty = an undeclared reader. */
  systems: string[];
};

export type AccessCoverage =
  | { state: 'no_connection' }
  | { state: 'not_ingested' }
  | { state: 'ok' | 'error' | 'data_access_off'; lastRunAt: Date | null; lastError: string | null; provider: 'aws' | 'gcp' };

export type SecretAccessSummary = {
  windowDays: number;
  readers: SecretReader[];
  undeclaredReaders: SecretReader[];
  /** Declared consuming systems with no successful read in the window. */
  silentSystems: { id: string; name: string }[];
  coverage: AccessCoverage;
};

/** The short name a principal goes by: role/user name, or a service account's local part. */
export function principalShortName(principal: string): string {
  const p = principal.trim().toLowerCase();
  if (p.includes('@')) return p.split('@')[0];
  return p.split('/').filter(Boolean).pop() ?? p;
}

export function systemMatches(system: { name: string; principals: string[] }, principal: string): boolean {
  const p = principal.trim().toLowerCase();
  if (system.principals.length > 0) return system.principals.some((q) => q.trim().toLowerCase() === p);
  return principalShortName(p) === system.name.trim().toLowerCase();
}

const ZSummaryOptions = z.object({ days: z.number().int().min(1).max(365).default(90) });

export async function getSecretAccessSummary(
  caller: Caller,
  secretId: string,
  options: z.input<typeof ZSummaryOptions> = {},
  now: Date = new Date(),
): Promise<SecretAccessSummary> {
  await authorize(caller, 'secrets.read', { action: 'secret.access_summary', targetType: 'secret', targetId: secretId });
  const { days } = parseInput(ZSummaryOptions, options);
  const secret = await db.secret.findUnique({
    where: { id: uuidOrNil(secretId) },
    select: {
      id: true,
      connection: { select: { id: true, kind: true, accessCursor: true } },
      consumers: { select: { system: { select: { id: true, name: true, principals: true } } } },
    },
  });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  const since = new Date(now.getTime() - days * 86_400_000);
  // One aggregate over the (secret_id, occurred_at) index.
  const rows = await db.$queryRaw<{ principal: string; principal_type: string; reads: bigint; failures: bigint; first_at: Date; last_at: Date }[]>`
    SELECT principal, max(principal_type) AS principal_type,
           count(*) FILTER (WHERE error_code IS NULL) AS reads,
           count(*) FILTER (WHERE error_code IS NOT NULL) AS failures,
           min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM access_events
    WHERE secret_id = ${secret.id}::uuid AND occurred_at >= ${since}
      AND event_name = ANY(${[...READ_EVENTS]}::text[])
    GROUP BY principal
    ORDER BY count(*) DESC, principal
    LIMIT 200`;
  const systems = secret.consumers.map((c) => c.system);
  const readers: SecretReader[] = rows.map((r) => ({
    principal: r.principal,
    principalType: r.principal_type,
    reads: Number(r.reads),
    failures: Number(r.failures),
    firstReadAt: r.first_at,
    lastReadAt: r.last_at,
    systems: systems.filter((s) => systemMatches(s, r.principal)).map((s) => s.name),
  }));
  const readingSystems = new Set(readers.filter((r) => r.reads > 0).flatMap((r) => r.systems));
  return {
    windowDays: days,
    readers,
    undeclaredReaders: readers.filter((r) => r.systems.length === 0 && r.reads > 0),
    silentSystems: systems.filter((s) => !readingSystems.has(s.name)).map((s) => ({ id: s.id, name: s.name })),
    coverage: coverageOf(secret.connection),
  };
}

function coverageOf(
  connection: {
    kind: string;
    accessCursor: { lastRunAt: Date | null; lastError: string | null; dataAccessLogsSeen: boolean; completedRuns: number } | null;
  } | null,
): AccessCoverage {
  if (!connection || (connection.kind !== 'aws' && connection.kind !== 'gcp')) return { state: 'no_connection' };
  const cursor = connection.accessCursor;
  if (!cursor || (cursor.completedRuns === 0 && !cursor.lastError)) return { state: 'not_ingested' };
  const base = { lastRunAt: cursor.lastRunAt, lastError: cursor.lastError, provider: connection.kind as 'aws' | 'gcp' };
  if (cursor.lastError) return { state: 'error', ...base };
  // GCP records reads only with Data Access logs on: completed runs that never saw one.
  if (connection.kind === 'gcp' && !cursor.dataAccessLogsSeen) return { state: 'data_access_off', ...base };
  return { state: 'ok', ...base };
}

/** A stored provider event as the Access tab lists it: what ingestion kept, and its id. */
export type AccessEventRow = { id: string } & Pick<
  AccessEventInput,
  'occurredAt' | 'eventName' | 'principal' | 'principalType' | 'sourceIp' | 'userAgent' | 'secretRef' | 'errorCode'
>;

const ZEventOptions = z.object({
  /** Keyset cursor: events strictly older than this ISO time. */
  before: z.iso.datetime().optional().catch(undefined),
  limit: z.number().int().min(1).max(200).default(50),
});

/** One secret's raw access events, newest first (audit.read). */
export async function listSecretAccessEvents(
  caller: Caller,
  secretId: string,
  options: z.input<typeof ZEventOptions> = {},
): Promise<{ items: AccessEventRow[]; nextBefore: string | null }> {
  await authorize(caller, 'audit.read', { action: 'secret.access_events', targetType: 'secret', targetId: secretId });
  const { before, limit } = parseInput(ZEventOptions, options);
  const rows = await db.accessEvent.findMany({
    where: { secretId: uuidOrNil(secretId), ...(before ? { occurredAt: { lt: new Date(before) } } : {}) },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: {
      id: true,
      occurredAt: true,
      eventName: true,
      principal: true,
      principalType: true,
      sourceIp: true,
      userAgent: true,
      secretRef: true,
      errorCode: true,
    },
  });
  const items = rows.slice(0, limit);
  return { items, nextBefore: rows.length > limit ? items[items.length - 1].occurredAt.toISOString() : null };
}
