// Inventory secrets: list (filtered, keyset-paged), read, create, update, decommission.
// Every function takes the caller, checks a permission first and audits changes in
// the same transaction. Returns DTOs, never Prisma rows.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { ConnectionKind, ExpirySource, ProviderKind, RotationStrategy, StragglerPolicy } from '@/generated/prisma/enums';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { authorizeActionOn, ownerTeamAccessOf, requireTeam, type OwnerTeamAccess } from '@/lib/auth/team-scope';
import { assertKeepsApprovalRule } from './approvals';
import type { Caller } from '@/lib/auth/caller';
import { db, queryRows, type Tx } from '@/lib/db';
import { refusingTakenName } from '@/lib/db/unique-name';
import { ConflictError, InputError, isUniqueViolation, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { TERMINAL_STATES } from '@/lib/rotation/state-machine';
import { adminSecretIdOf, parseRotationConfig } from '@/lib/validation/rotation-config';
import { providerKeyOf } from '@/lib/discovery/provider-key';
import { computeNextDue, searchTextOf, ZDbAdminCredential, ZDecommission, ZSecretInput, type TSecretInput } from '@/lib/validation/secret';
import { defaultProviderRef, providerRefProblem, refOutsideConnection } from '@/lib/validation/provider-ref';
import type { TSecretListQuery } from '@/lib/validation/secret-list';
import { encodeCursor, keysetPage } from '@/lib/db/cursor';
import { uuidOrNil } from '@/lib/validation/ids';
import { assertNotStale } from '@/lib/db/stale-edit';
import { cachedCounts, invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { secretHeadOf, secretListSql, type SecretListHead, type SecretListCounts, type SecretListRow } from '@/lib/data/sql/secret-list';
import { lockedRow } from './locked-row';
import { effectivePolicy } from '@/lib/rotation/policy';
import { certificateExpiryOf } from '@/lib/values/certificate';

export type SecretListItem = SecretListHead & {
  providerKind: ProviderKind;
  lastRotatedAt: string | null;
  nextDueAt: string | null;
  /** When the credential expires (entered, or a certificate's earliest notAfter). */
  expiresAt: string | null;
  rotationIntervalDays: number | null;
  consumerCount: number;
  tags: string[];
};

export type SecretListPage = {
  items: SecretListItem[];
  nextCursor: string | null;
  total: number;
  /** Rotation health of the filtered view; overdue + dueSoon + noPolicy never exceed total. */
  summary: { overdue: number; dueSoon: number; neverRotated: number; noPolicy: number };
};

export type SecretDetail = Omit<SecretListItem, 'consumerCount'> & {
  description: string;
  environmentId: string;
  contactPerson: string | null;
  providerRef: string;
  /** The provider connection values are written through; null when only inventoried. */
  connection: { id: string; name: string; kind: ConnectionKind } | null;
  consumers: { id: string; name: string; status: 'active' | 'decommissioned' }[];
  rotationStrategy: RotationStrategy;
  /** Null: the classification's default (lib/data/policies.ts). */
  graceHours: number | null;
  /** Null: the classification's default. */
  reminderDays: number | null;
  autoRotate: boolean;
  /** When the grace period ends with consumers still on the old value: retire anyway,
   *  extend once, or hold and notify the owning team (lib/rotation/adoption). */
  stragglerPolicy: StragglerPolicy;
  /** Strategy settings (lib/validation/rotation-config.ts): never a value. */
  rotationConfig: Record<string, string | number | null> | null;
  /** Marked by an admin: holds a database admin credential rotations may use. */
  dbAdminCredential: boolean;
  /** Where expiresAt came from, and for a certificate its leaf subject and issuer. */
  expirySource: ExpirySource | null;
  certificateSubject: string | null;
  certificateIssuer: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * How the caller relates to the owning team: 'admin' acts on every team's secrets,
   * 'member' on this one's, 'none' only annotates and reads (lib/auth/team-scope.ts).
   */
  ownerTeamAccess: OwnerTeamAccess;
};

// ---------------------------------------------------------------------------
// Listing

export async function listSecrets(caller: Caller, query: TSecretListQuery): Promise<SecretListPage> {
  await authorize(caller, 'secrets.read', { action: 'secret.list', targetType: 'secret' });
  const sql = secretListSql(query);
  const [rows, counts] = await Promise.all([queryRows<SecretListRow>(sql.page), cachedCounts(sql.countsKey, () => queryRows<SecretListCounts>(sql.counts))]);
  const c = counts[0];
  return {
    ...keysetPage(rows, query.size, toListItem, (last) => encodeCursor(last.cursor_value, last.id)),
    total: c.total,
    summary: { overdue: c.overdue, dueSoon: c.due_soon, neverRotated: c.never_rotated, noPolicy: c.no_policy },
  };
}

function toListItem(r: SecretListRow): SecretListItem {
  return {
    ...secretHeadOf(r),
    providerKind: r.provider_kind,
    lastRotatedAt: r.last_rotated_at,
    nextDueAt: r.next_due_at,
    expiresAt: r.expires_at,
    rotationIntervalDays: r.rotation_interval_days,
    consumerCount: r.consumer_count,
    tags: r.tags,
  };
}

// ---------------------------------------------------------------------------
// Reading one

const detailSelect = {
  id: true,
  name: true,
  description: true,
  environmentId: true,
  environment: { select: { name: true } },
  ownerTeam: { select: { id: true, name: true } },
  contactPerson: true,
  classification: true,
  status: true,
  providerKind: true,
  providerRef: true,
  connection: { select: { id: true, name: true, kind: true } },
  lastRotatedAt: true,
  nextDueAt: true,
  expiresAt: true,
  expirySource: true,
  certificateSubject: true,
  certificateIssuer: true,
  rotationIntervalDays: true,
  rotationStrategy: true,
  graceHours: true,
  reminderDays: true,
  autoRotate: true,
  stragglerPolicy: true,
  rotationConfig: true,
  dbAdminCredential: true,
  activeRotationId: true,
  tags: true,
  createdAt: true,
  updatedAt: true,
  consumers: { select: { system: { select: { id: true, name: true, status: true } } } },
} satisfies Prisma.SecretSelect;

type DetailRow = Prisma.SecretGetPayload<{ select: typeof detailSelect }>;

function toDetail(s: DetailRow, ownerTeamAccess: OwnerTeamAccess): SecretDetail {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    environment: s.environment.name,
    environmentId: s.environmentId,
    ownerTeam: s.ownerTeam,
    contactPerson: s.contactPerson,
    classification: s.classification,
    status: s.status,
    providerKind: s.providerKind,
    providerRef: s.providerRef,
    connection: s.connection,
    lastRotatedAt: s.lastRotatedAt?.toISOString() ?? null,
    nextDueAt: s.nextDueAt?.toISOString() ?? null,
    expiresAt: s.expiresAt?.toISOString() ?? null,
    expirySource: s.expirySource,
    certificateSubject: s.certificateSubject,
    certificateIssuer: s.certificateIssuer,
    rotationIntervalDays: s.rotationIntervalDays,
    tags: s.tags,
    consumers: s.consumers.map((c) => c.system).sort((a, b) => a.name.localeCompare(b.name)),
    rotationStrategy: s.rotationStrategy,
    graceHours: s.graceHours,
    reminderDays: s.reminderDays,
    autoRotate: s.autoRotate,
    stragglerPolicy: s.stragglerPolicy,
    rotationConfig: (s.rotationConfig ?? null) as SecretDetail['rotationConfig'],
    dbAdminCredential: s.dbAdminCredential,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ownerTeamAccess,
  };
}

export async function getSecret(caller: Caller, id: string): Promise<SecretDetail> {
  const user = await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: id });
  const secret = await db.secret.findUnique({ where: { id: uuidOrNil(id) }, select: detailSelect });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  return toDetail(secret, await ownerTeamAccessOf(user, secret.ownerTeam.id));
}

// ---------------------------------------------------------------------------
// Writing

/** The audited view of a secret: names rather than ids, so history reads on its own (also built by CSV import). */
export type Snapshot = {
  name: string;
  description: string;
  environment: string;
  ownerTeam: string;
  contactPerson: string | null;
  classification: string;
  status: string;
  providerKind: string;
  providerRef: string;
  /** The connection's name, or null. */
  connection: string | null;
  lastRotatedAt: Date | null;
  rotationIntervalDays: number | null;
  rotationStrategy: string;
  graceHours: number | null;
  reminderDays: number | null;
  autoRotate: boolean;
  /** Optional: CSV import and discovery keep the default (retire). */
  stragglerPolicy?: string;
  /** Optional: CSV import does not set strategy settings. */
  rotationConfig?: unknown;
  /** Optional: CSV import sets no expiry. A certificate's subject, never its text. */
  expiresAt?: Date | null;
  expirySource?: string | null;
  certificateSubject?: string | null;
  tags: string[];
  consumers: string[];
};

export const AUDITED_FIELDS = [
  'name',
  'description',
  'environment',
  'ownerTeam',
  'contactPerson',
  'classification',
  'status',
  'providerKind',
  'providerRef',
  'connection',
  'lastRotatedAt',
  'rotationIntervalDays',
  'rotationStrategy',
  'graceHours',
  'reminderDays',
  'autoRotate',
  'stragglerPolicy',
  'rotationConfig',
  'expiresAt',
  'expirySource',
  'certificateSubject',
  'tags',
  'consumers',
] as const satisfies readonly (keyof Snapshot)[];

function snapshotOf(s: DetailRow): Snapshot {
  return {
    name: s.name,
    description: s.description,
    environment: s.environment.name,
    ownerTeam: s.ownerTeam.name,
    contactPerson: s.contactPerson,
    classification: s.classification,
    status: s.status,
    providerKind: s.providerKind,
    providerRef: s.providerRef,
    connection: s.connection?.name ?? null,
    lastRotatedAt: s.lastRotatedAt,
    rotationIntervalDays: s.rotationIntervalDays,
    rotationStrategy: s.rotationStrategy,
    graceHours: s.graceHours,
    reminderDays: s.reminderDays,
    autoRotate: s.autoRotate,
    stragglerPolicy: s.stragglerPolicy,
    rotationConfig: s.rotationConfig,
    expiresAt: s.expiresAt,
    expirySource: s.expirySource,
    certificateSubject: s.certificateSubject,
    tags: s.tags,
    consumers: s.consumers.map((c) => c.system.name),
  };
}

/**
 * Checks that the referenced environment, team, systems and connection exist (field errors
 * if not), and returns the input as it is stored: with a connection, the provider kind is
 * the connection's and the reference is checked for that kind, or derived when empty.
 */
async function resolveReferences(tx: Tx, input: TSecretInput): Promise<TSecretInput> {
  // Sequential: a transaction is one connection, which runs one query at a time.
  const environment = await tx.environment.findUnique({ where: { id: input.environmentId }, select: { name: true } });
  const team = await tx.team.findUnique({ where: { id: input.ownerTeamId }, select: { id: true } });
  const systems = await tx.system.count({ where: { id: { in: input.consumerSystemIds } } });
  const connection = input.connectionId
    ? await tx.providerConnection.findUnique({
        where: { id: input.connectionId },
        select: { kind: true, region: true, roleArn: true, projectId: true, location: true },
      })
    : null;
  const fieldErrors: Record<string, string[]> = {};
  if (!environment) fieldErrors.environmentId = ['This environment does not exist'];
  if (!team) fieldErrors.ownerTeamId = ['This team does not exist'];
  if (systems !== new Set(input.consumerSystemIds).size) fieldErrors.consumerSystemIds = ['A chosen system does not exist'];
  if (input.connectionId && !connection) fieldErrors.connectionId = ['This connection no longer exists; choose another'];

  let resolved = input;
  if (connection) {
    const providerRef = input.providerRef || (environment ? defaultProviderRef(connection.kind, environment.name, input.name) : '');
    const problem = input.providerRef ? (providerRefProblem(connection.kind, input.providerRef) ?? refOutsideConnection(connection, input.providerRef)) : null;
    if (problem) fieldErrors.providerRef = [problem];
    resolved = { ...input, providerKind: connection.kind, providerRef };
  }
  if (Object.keys(fieldErrors).length) throw new InputError('Some fields need attention.', fieldErrors);
  return resolved;
}

type RotationPolicyKeys = 'rotationStrategy' | 'graceHours' | 'reminderDays' | 'autoRotate' | 'stragglerPolicy';

/**
 * The stored columns for a secret's input, with the derived next-due date and search text.
 * The rotation policy is optional (CSV import has no columns for it: the defaults apply),
 * and so is the expiry (with the reminder lead before it: expiryOf).
 */
export function secretColumnsOf(
  input: Omit<TSecretInput, 'consumerSystemIds' | 'expectedUpdatedAt' | 'expiresAt' | 'certificate' | RotationPolicyKeys> &
    Partial<Pick<TSecretInput, RotationPolicyKeys>>,
  createdAt: Date,
  expiry: Expiry | null = null,
) {
  return {
    name: input.name,
    description: input.description,
    environmentId: input.environmentId,
    ownerTeamId: input.ownerTeamId,
    contactPerson: input.contactPerson ?? null,
    classification: input.classification,
    status: input.status,
    providerKind: input.providerKind,
    providerRef: input.providerRef,
    providerKey: providerKeyOf(input.providerKind, input.providerRef),
    connectionId: input.connectionId ?? null,
    lastRotatedAt: input.lastRotatedAt ?? null,
    rotationIntervalDays: input.rotationIntervalDays ?? null,
    nextDueAt: computeNextDue({
      lastRotatedAt: input.lastRotatedAt,
      intervalDays: input.rotationIntervalDays,
      createdAt,
      expiry: expiry?.columns.expiresAt ? { at: expiry.columns.expiresAt, leadDays: expiry.leadDays } : null,
    }),
    rotationStrategy: input.rotationStrategy ?? 'manual',
    graceHours: input.graceHours ?? null,
    reminderDays: input.reminderDays ?? null,
    autoRotate: input.autoRotate ?? false,
    stragglerPolicy: input.stragglerPolicy ?? 'retire',
    tags: input.tags,
    searchText: searchTextOf(input),
    ...expiry?.columns,
  };
}

type ExpiryColumns = { expiresAt: Date | null; expirySource: ExpirySource | null; certificateSubject: string | null; certificateIssuer: string | null };
type Expiry = { columns: ExpiryColumns; leadDays: number };
const NO_EXPIRY: ExpiryColumns = { expiresAt: null, expirySource: null, certificateSubject: null, certificateIssuer: null };

/**
 * The expiry a save stores: a pasted certificate's (its text goes no further than this
 * function), else the typed date. The date the form shows back unchanged keeps where it
 * came from (a certificate stays a certificate); another date is the person's own.
 */
async function expiryOf(tx: Tx, input: TSecretInput, before: ExpiryColumns | null): Promise<Expiry> {
  const leadDays = (await effectivePolicy(tx, { ...input, rotationIntervalDays: null, graceHours: null, reminderDays: input.reminderDays ?? null }))
    .reminderDays;
  if (input.certificate) {
    const cert = certificateExpiryOf(input.certificate, { allowPrivateKey: false, field: 'certificate' });
    return { columns: { expiresAt: cert.notAfter, expirySource: 'certificate', certificateSubject: cert.subject, certificateIssuer: cert.issuer }, leadDays };
  }
  if (!input.expiresAt) return { columns: NO_EXPIRY, leadDays };
  if (before?.expiresAt && before.expiresAt.getTime() === input.expiresAt.getTime()) {
    const { expiresAt, expirySource, certificateSubject, certificateIssuer } = before;
    return { columns: { expiresAt, expirySource, certificateSubject, certificateIssuer }, leadDays };
  }
  return { columns: { ...NO_EXPIRY, expiresAt: input.expiresAt, expirySource: 'entered' }, leadDays };
}

function nameTaken(): InputError {
  return new ConflictError('A secret with this name already exists in this environment.', {
    name: ['A secret with this name already exists in this environment'],
  });
}

/** The form's flat fields that are strategy settings (lib/validation/rotation-config.ts). */
const SETTING_FIELDS = ['alphabet', 'length', 'adminSecretId', 'role', 'user', 'accountHost', 'engine', 'userA', 'userB', 'sslmode', 'retireMode', 'lambdaArn'];

/**
 * The strategy's settings from the form's flat fields (SETTING_FIELDS), checked for that
 * strategy; null for manual. A database strategy's admin credential must be another
 * inventory secret, marked as one, of the same connection.
 */
async function rotationConfigOf(
  tx: Tx,
  strategy: RotationStrategy,
  raw: unknown,
  connectionId: string | null,
  secretId?: string,
): Promise<Prisma.InputJsonValue | typeof Prisma.DbNull> {
  const fields = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]));
  const parsed = parseRotationConfig(strategy, pick(...SETTING_FIELDS));
  const adminSecretId = adminSecretIdOf(parsed);
  if (adminSecretId) {
    const admin = await tx.secret.findUnique({
      where: { id: adminSecretId },
      select: { id: true, dbAdminCredential: true, connectionId: true },
    });
    const problem =
      !admin || admin.id === secretId
        ? 'Choose another secret of the inventory: the one holding the admin credential'
        : !admin.dbAdminCredential
          ? 'This secret is not marked as a database admin credential (an administrator marks those)'
          : admin.connectionId !== connectionId
            ? "The admin credential must be a secret of this secret's own connection"
            : null;
    if (problem) throw new InputError('Some fields need attention.', { adminSecretId: [problem] });
  }
  return parsed.config ?? Prisma.DbNull;
}

/** JSON with sorted keys, so two settings objects compare by content. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Settings as a run would fix them (defaults filled in); the raw JSON when they do not parse. */
function settingsOf(strategy: RotationStrategy, json: unknown): string {
  try {
    return stableJson(parseRotationConfig(strategy, json).config);
  } catch {
    return stableJson(json ?? null);
  }
}

/** An edit refused because a rotation fixed what it would change (audited as failed). */
class RotationHoldsSecret extends InputError {
  constructor(
    readonly runId: string,
    readonly fields: string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * Refuses an edit of what a rotation in flight fixed at its start: the secret's provider
 * reference, connection, strategy or settings while its own run is active, and the
 * reference or connection of a secret that an active run uses as its admin credential.
 */
async function assertNoRunHolds(tx: Tx, before: DetailRow, input: TSecretInput, config: Prisma.InputJsonValue | typeof Prisma.DbNull): Promise<void> {
  const moved: string[] = [];
  if (input.providerRef !== before.providerRef) moved.push('provider reference');
  if ((input.connectionId ?? null) !== (before.connection?.id ?? null)) moved.push('connection');
  const settings: string[] = [];
  if (input.rotationStrategy !== before.rotationStrategy) settings.push('rotation strategy');
  else if (settingsOf(before.rotationStrategy, before.rotationConfig) !== settingsOf(input.rotationStrategy, config === Prisma.DbNull ? null : config)) {
    settings.push('rotation settings');
  }
  if (before.activeRotationId && (moved.length || settings.length)) {
    const fields = [...moved, ...settings];
    throw new RotationHoldsSecret(
      before.activeRotationId,
      fields,
      `Rotation ${before.activeRotationId.slice(0, 8)} of this secret is in progress: its ${fields.join(', ')} cannot change until the rotation finishes or is cancelled.`,
    );
  }
  if (!moved.length) return;
  const [holder] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM rotation_runs
    WHERE inputs->'admin'->>'secretId' = ${before.id} AND state::text <> ALL(${[...TERMINAL_STATES]}::text[])
    LIMIT 1`;
  if (holder) {
    throw new RotationHoldsSecret(
      holder.id,
      moved,
      `Rotation ${holder.id.slice(0, 8)} uses this secret as its database admin credential: its ${moved.join(', ')} cannot change until that rotation finishes or is cancelled.`,
    );
  }
}

export async function createSecret(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'secrets.write', { action: 'secret.create', targetType: 'secret' });
  const parsed = parseInput(ZSecretInput, raw);
  return refusingTakenName(nameTaken, () =>
    db
      .$transaction(async (tx) => {
        const input = await resolveReferences(tx, parsed);
        const now = new Date();
        const created = await tx.secret.create({
          data: {
            ...secretColumnsOf(input, now, await expiryOf(tx, input, null)),
            rotationConfig: await rotationConfigOf(tx, input.rotationStrategy, raw, input.connectionId ?? null),
            createdAt: now,
            consumers: { create: input.consumerSystemIds.map((systemId) => ({ systemId })) },
          },
          select: detailSelect,
        });
        await recordAudit(tx, caller, {
          action: 'secret.create',
          targetType: 'secret',
          targetId: created.id,
          environment: created.environment.name,
          changes: changedFields(null, snapshotOf(created), AUDITED_FIELDS),
        });
        return { id: created.id };
      })
      .then(invalidatingListCounts),
  );
}

function lockSecret(tx: Tx, id: string): Promise<DetailRow> {
  return lockedRow(tx, 'secrets', id, (key) => tx.secret.findUnique({ where: { id: key }, select: detailSelect }), 'This secret does not exist.');
}

/** What anyone with secrets.write may change on any secret: its annotations. */
const ANNOTATION_FIELDS: readonly (keyof Snapshot)[] = ['name', 'description', 'contactPerson', 'reminderDays', 'tags', 'consumers'];

/**
 * The fields that decide how a secret is protected and where its value lives: every
 * audited field but the annotations (so a field added later is guarded until it is
 * declared an annotation). Changing these needs membership of the owning team (and of
 * the new one, when the owner changes), so an engineer cannot re-point, re-classify,
 * take over or mark as rotated another team's secret.
 */
export const GUARDED_FIELDS = AUDITED_FIELDS.filter((field) => !ANNOTATION_FIELDS.includes(field));

export async function updateSecret(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  const attempt = { action: 'secret.update', targetType: 'secret', targetId: id } as const;
  const user = await authorize(caller, 'secrets.write', attempt);
  const parsed = parseInput(ZSecretInput, raw);
  try {
    return await db
      .$transaction(async (tx) => {
        const before = await lockSecret(tx, id);
        assertNotStale(parsed.expectedUpdatedAt, before.updatedAt, 'secret');
        const input = await resolveReferences(tx, parsed);
        const rotationConfig = await rotationConfigOf(tx, input.rotationStrategy, raw, input.connectionId ?? null, id);
        await assertNoRunHolds(tx, before, input, rotationConfig);
        await tx.secretConsumer.deleteMany({ where: { secretId: id } });
        const after = await tx.secret.update({
          where: { id },
          data: {
            ...secretColumnsOf(input, before.createdAt, await expiryOf(tx, input, before)),
            rotationConfig,
            consumers: { create: input.consumerSystemIds.map((systemId) => ({ systemId })) },
            // A person's save is an edit, consumers included (the trigger sees only this table).
            updatedAt: new Date(),
          },
          select: detailSelect,
        });
        const changes = changedFields(snapshotOf(before), snapshotOf(after), AUDITED_FIELDS);
        const guarded = GUARDED_FIELDS.filter((field) => field in changes);
        if (guarded.length) {
          // Refused here, the transaction rolls the edit back; the denial is audited on its own.
          for (const team of before.ownerTeam.id === after.ownerTeam.id ? [before.ownerTeam] : [before.ownerTeam, after.ownerTeam]) {
            await requireTeam(caller, user, 'secrets.write', { ...attempt, environment: before.environment.name }, team, { fields: guarded.join(',') });
          }
          await assertKeepsApprovalRule(tx, caller, user, before, after, { ...attempt, environment: before.environment.name });
        }
        await recordAudit(tx, caller, {
          action: 'secret.update',
          targetType: 'secret',
          targetId: id,
          environment: after.environment.name,
          changes,
        });
        return { id };
      })
      .then(invalidatingListCounts);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    if (error instanceof RotationHoldsSecret) {
      await recordAudit(db, caller, {
        action: 'secret.update',
        outcome: 'failed',
        targetType: 'secret',
        targetId: id,
        detail: { error: 'rotation_in_progress', runId: error.runId, fields: error.fields.join(', ') },
      });
    }
    throw error;
  }
}

/** Admins only: mark or unmark a secret as holding a database admin credential, which
 *  database rotations (postgres_role, mysql_user, alternating_users) of the same
 *  connection may then name. */
export async function setDbAdminCredential(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', { action: 'secret.db_admin_credential', targetType: 'secret', targetId: id });
  const { dbAdminCredential } = parseInput(ZDbAdminCredential, raw);
  return db.$transaction(async (tx) => {
    const before = await lockSecret(tx, id);
    if (before.dbAdminCredential === dbAdminCredential) return { id };
    await tx.secret.update({ where: { id }, data: { dbAdminCredential } });
    await recordAudit(tx, caller, {
      action: 'secret.db_admin_credential',
      targetType: 'secret',
      targetId: id,
      environment: before.environment.name,
      changes: { dbAdminCredential: { before: before.dbAdminCredential, after: dbAdminCredential } },
    });
    return { id };
  });
}

export async function decommissionSecret(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorizeActionOn(caller, 'secrets.write', 'secret.decommission', { secretId: id });
  const { reason } = parseInput(ZDecommission, raw);
  return db
    .$transaction(async (tx) => {
      const before = await lockSecret(tx, id);
      if (before.status === 'decommissioned') throw new InputError('This secret is already decommissioned.');
      await tx.secret.update({ where: { id }, data: { status: 'decommissioned' } });
      await recordAudit(tx, caller, {
        action: 'secret.decommission',
        targetType: 'secret',
        targetId: id,
        environment: before.environment.name,
        changes: { status: { before: before.status, after: 'decommissioned' } },
        detail: { reason },
      });
      return { id };
    })
    .then(invalidatingListCounts);
}
