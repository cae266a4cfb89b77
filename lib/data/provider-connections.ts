// Provider connections: where the dashboard reaches AWS Secrets Manager, GCP Secret
// Manager or the local development provider. Every signed-in role may list them (the
// secret form offers them); only administrators create, change, delete and test them.
// A connection holds no credentials: the SDKs use their default chains (and, for AWS, an
// optional role to assume), so nothing here is sensitive, but DTOs still use explicit selects.
import 'server-only';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { insertAudited } from './audited-insert';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { refusingTakenName } from '@/lib/db/unique-name';
import { InputError, NotFoundError } from '@/lib/errors';
import { egressRefusalForUrl } from '@/lib/net/egress';
import { providerFor } from '@/lib/providers';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { gcpEndpoint } from '@/lib/providers/gcp-client';
import { LOCAL_PROVIDER_REFUSED, localProviderAllowed } from '@/lib/providers/local';
import { connectionConfigOf, type ConnectionColumns } from '@/lib/providers/connection-config';
import { parseInput } from '@/lib/validation/parse';
import { ZConnectionInput, type TConnectionInput } from '@/lib/validation/provider-connection';
import { uuidOrNil } from '@/lib/validation/ids';

export type { ConnectionColumns };
import { assertNotStale } from '@/lib/db/stale-edit';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

export type ConnectionListItem = ConnectionColumns & {
  id: string;
  name: string;
  /** Inventory secrets pointing at this connection (any status). */
  secretCount: number;
  updatedAt: string;
};

/** A background job failing for this connection (connection_job_faults); no stack, no value. */
export type ConnectionJobFailure = {
  /** Queue name, e.g. "access-ingest". */
  job: string;
  code: string;
  /** Our own words (never the provider's message). */
  message: string;
  since: string;
  lastFailedAt: string;
  failures: number;
};

export type ConnectionDetail = ConnectionListItem & { createdAt: string; failingJobs: ConnectionJobFailure[] };

export type ConnectionTestOutcome = { ok: boolean; code?: ProviderErrorCode; message: string };

const select = {
  id: true,
  name: true,
  kind: true,
  region: true,
  roleArn: true,
  projectId: true,
  location: true,
  endpoint: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { secrets: true } },
} as const;

type Row = ConnectionColumns & {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  _count: { secrets: number };
};

function toDetail(r: Row): Omit<ConnectionDetail, 'failingJobs'> {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    region: r.region,
    roleArn: r.roleArn,
    projectId: r.projectId,
    location: r.location,
    endpoint: r.endpoint,
    secretCount: r._count.secrets,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Reading

/** Every connection by name; there are a handful, so no paging. */
export async function listConnections(caller: Caller): Promise<ConnectionListItem[]> {
  await authorize(caller, 'secrets.read', { action: 'provider_connection.list', targetType: 'provider_connection' });
  const rows = await db.providerConnection.findMany({ select, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => {
    const { createdAt: _createdAt, ...item } = toDetail(r);
    return item;
  });
}

/** Administrators' list: how many background jobs fail per connection (connections with none are absent). */
export async function failingJobCounts(caller: Caller): Promise<Map<string, number>> {
  await authorize(caller, 'admin.providers', { action: 'provider_connection.list', targetType: 'provider_connection' });
  const rows = await db.connectionJobFault.groupBy({ by: ['connectionId'], _count: { _all: true } });
  return new Map(rows.map((r) => [r.connectionId, r._count._all]));
}

export async function getConnection(caller: Caller, id: string): Promise<ConnectionDetail> {
  await authorize(caller, 'admin.providers', {
    action: 'provider_connection.read',
    targetType: 'provider_connection',
    targetId: id,
  });
  const row = await db.providerConnection.findUnique({
    where: { id: uuidOrNil(id) },
    select: { ...select, jobFaults: { orderBy: { job: 'asc' } } },
  });
  if (!row) throw new NotFoundError('This connection does not exist.');
  return {
    ...toDetail(row),
    failingJobs: row.jobFaults.map((f) => ({
      job: f.job,
      code: f.code,
      message: f.message,
      since: f.since.toISOString(),
      lastFailedAt: f.lastFailedAt.toISOString(),
      failures: f.failures,
    })),
  };
}

// ---------------------------------------------------------------------------
// Writing

const AUDITED_FIELDS = ['name', 'kind', 'region', 'roleArn', 'projectId', 'location', 'endpoint'] as const;

/** The stored columns for an input: fields of other kinds are cleared, not kept. */
function columnsOf(input: TConnectionInput): ConnectionColumns & { name: string } {
  return {
    name: input.name,
    kind: input.kind,
    region: input.kind === 'aws' ? input.region : null,
    roleArn: input.kind === 'aws' ? (input.roleArn ?? null) : null,
    projectId: input.kind === 'gcp' ? input.projectId : null,
    location: input.kind === 'gcp' ? (input.location ?? null) : null,
    endpoint: input.kind === 'local' ? null : (input.endpoint ?? null),
  };
}

/**
 * Refuses, as field errors, what the server would refuse when using the connection: the
 * local provider in production, a GCP https:// endpoint that may not receive the server's
 * Google identity token, and an endpoint whose host the egress policy refuses. The adapters
 * check all three again at use (the policy or DNS may have changed since).
 */
async function assertUsable(input: TConnectionInput): Promise<void> {
  if (input.kind === 'local') {
    if (!localProviderAllowed()) throw new InputError(LOCAL_PROVIDER_REFUSED, { kind: [LOCAL_PROVIDER_REFUSED] });
    return;
  }
  if (!input.endpoint) return;
  if (input.kind === 'gcp') {
    try {
      gcpEndpoint(input.endpoint);
    } catch (error) {
      if (error instanceof ProviderError) throw new InputError(error.message, { endpoint: [error.message] });
      throw error;
    }
  }
  const refusal = await egressRefusalForUrl(input.endpoint);
  if (refusal) throw new InputError(refusal, { endpoint: [refusal] });
}

function nameTaken(): InputError {
  return new InputError('A connection with this name already exists.', {
    name: ['A connection with this name already exists'],
  });
}

const secretsNoun = (n: number) => (n === 1 ? '1 secret uses' : `${n.toLocaleString('en-US')} secrets use`);

export async function createConnection(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', { action: 'provider_connection.create', targetType: 'provider_connection' });
  const input = parseInput(ZConnectionInput, raw);
  await assertUsable(input);
  const columns = columnsOf(input);
  const audit = { action: 'provider_connection.create', targetType: 'provider_connection', changes: () => changedFields(null, columns, AUDITED_FIELDS) };
  return refusingTakenName(nameTaken, () => insertAudited(caller, audit, (tx: Tx) => tx.providerConnection.create({ data: columns, select: { id: true } })));
}

function lockConnection(tx: Tx, id: string) {
  return lockedRow(
    tx,
    'provider_connections',
    id,
    (key) => tx.providerConnection.findUnique({ where: { id: key }, select }),
    'This connection does not exist.',
  );
}

export async function updateConnection(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', {
    action: 'provider_connection.update',
    targetType: 'provider_connection',
    targetId: id,
  });
  const input = parseInput(ZConnectionInput, raw);
  await assertUsable(input);
  const columns = columnsOf(input);
  return refusingTakenName(nameTaken, () =>
    db.$transaction(async (tx) => {
      const before = await lockConnection(tx, id);
      assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'connection');
      // Secrets take their provider kind from their connection; switching it under them
      // would leave references written for another cloud.
      if (columns.kind !== before.kind && before._count.secrets > 0) {
        const message = `${secretsNoun(before._count.secrets)} this connection, so its kind cannot change. Create a new connection instead.`;
        throw new InputError(message, { kind: [message] });
      }
      const changes = changedFields(before, columns, AUDITED_FIELDS);
      const audit = { action: 'provider_connection.update', targetType: 'provider_connection', targetId: before.id, changes };
      await updateAudited(tx, caller, audit, () => tx.providerConnection.update({ where: { id: before.id }, data: columns }));
      return { id: before.id };
    }),
  );
}

function inUse(count: number): InputError {
  return new InputError(
    `${secretsNoun(count)} this connection, so it cannot be deleted. Point ${count === 1 ? 'that secret' : 'those secrets'} at another connection (or none) first.`,
  );
}

/** Prisma's foreign-key violation: a secret started pointing at the connection meanwhile. */
const isForeignKeyViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2003';

export async function deleteConnection(caller: Caller, id: string): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', {
    action: 'provider_connection.delete',
    targetType: 'provider_connection',
    targetId: id,
  });
  try {
    return await db.$transaction(async (tx) => {
      const before = await lockConnection(tx, id);
      if (before._count.secrets > 0) throw inUse(before._count.secrets);
      await tx.providerConnection.delete({ where: { id: before.id } });
      await recordAudit(tx, caller, {
        action: 'provider_connection.delete',
        targetType: 'provider_connection',
        targetId: before.id,
        changes: changedFields(before, {}, AUDITED_FIELDS),
      });
      return { id: before.id };
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      const count = await db.secret.count({ where: { connectionId: uuidOrNil(id) } });
      throw inUse(Math.max(count, 1));
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Testing

/**
 * Asks the provider for a cheap call (reachability and list permission) and records the
 * outcome. The adapter's message is our own text (ProviderError), never the SDK's.
 */
export async function testConnection(caller: Caller, id: string): Promise<ConnectionTestOutcome> {
  await authorize(caller, 'admin.providers', {
    action: 'provider_connection.test',
    targetType: 'provider_connection',
    targetId: id,
  });
  const row = await db.providerConnection.findUnique({ where: { id: uuidOrNil(id) }, select });
  if (!row) throw new NotFoundError('This connection does not exist.');

  let outcome: ConnectionTestOutcome;
  try {
    const result = await providerFor(connectionConfigOf(row), { connectionId: row.id }).testConnection();
    outcome = result.ok ? { ok: true, message: result.detail } : { ok: false, code: result.code, message: result.message };
  } catch {
    // testConnection promises not to throw; if an adapter does anyway, its error text
    // is not ours to show.
    outcome = { ok: false, code: 'unknown', message: 'The test failed unexpectedly. Nothing was changed; try again.' };
  }
  await recordAudit(db, caller, {
    action: 'provider_connection.test',
    outcome: outcome.ok ? 'success' : 'failed',
    targetType: 'provider_connection',
    targetId: row.id,
    detail: { kind: row.kind, code: outcome.code ?? 'ok' },
  });
  return outcome;
}
