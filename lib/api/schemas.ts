// The shapes the REST API answers with, as zod schemas: the OpenAPI document is generated
// from them (./openapi.ts) and the contract test validates every answer against it, so a
// field added to a lib/data DTO without being described here fails that test. Times are
// ISO strings; nothing here ever holds a secret value or a fingerprint.
import { z } from 'zod';
import { AUDIT_OUTCOMES } from '@/lib/validation/audit-list';
import { SYSTEM_STATUSES } from '@/lib/validation/catalog';
import { CLASSIFICATIONS, PROVIDER_KINDS, ROTATION_STRATEGIES, SECRET_STATUSES } from '@/lib/validation/secret';
import { DRIFT_KINDS } from '@/lib/discovery/drift-sql';
import { FIXABLE_KINDS } from '@/lib/discovery/drift-input';
import { OPEN_STATES, TERMINAL_STATES } from '@/lib/rotation/state-machine';
import { STRAGGLER_POLICIES } from '@/lib/validation/rotation-config';

const time = z.string().describe('An ISO 8601 time');
const nullableTime = time.nullable();
const ref = z.object({ id: z.uuid(), name: z.string() });
const count = z.number().int().min(0);
/** The keyset cursor of the next page (pass it as `cursor`); null on the last page. */
const next = z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page');

export const ZRecordId = z.object({ id: z.uuid() });

const secretHead = {
  id: z.uuid(),
  name: z.string(),
  environment: z.string(),
  ownerTeam: ref,
  classification: z.enum(CLASSIFICATIONS),
  status: z.enum(SECRET_STATUSES),
};

const secretDates = {
  lastRotatedAt: nullableTime,
  nextDueAt: nullableTime,
  expiresAt: nullableTime,
  rotationIntervalDays: z.number().int().nullable(),
};

export const ZSecretListItem = z.object({
  ...secretHead,
  ...secretDates,
  providerKind: z.enum(PROVIDER_KINDS),
  consumerCount: count,
  tags: z.array(z.string()),
});

export const ZSecretPage = z.object({
  items: z.array(ZSecretListItem),
  next,
  total: count,
  summary: z.object({ overdue: count, dueSoon: count, neverRotated: count, noPolicy: count }).describe('Rotation health of the whole filtered list'),
});

export const ZSecretDetail = z.object({
  ...secretHead,
  ...secretDates,
  providerKind: z.enum(PROVIDER_KINDS),
  tags: z.array(z.string()),
  description: z.string(),
  environmentId: z.uuid(),
  contactPerson: z.string().nullable(),
  providerRef: z.string(),
  connection: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(['aws', 'gcp', 'local']) }).nullable(),
  consumers: z.array(z.object({ id: z.uuid(), name: z.string(), status: z.enum(SYSTEM_STATUSES) })),
  rotationStrategy: z.enum(ROTATION_STRATEGIES),
  graceHours: z.number().int().nullable(),
  reminderDays: z.number().int().nullable(),
  autoRotate: z.boolean(),
  stragglerPolicy: z.enum(STRAGGLER_POLICIES).describe('When the grace period ends with consumers still on the old value: retire, extend_once or hold'),
  rotationConfig: z
    .record(z.string(), z.union([z.string(), z.number(), z.null()]))
    .nullable()
    .describe('Strategy settings; never a value'),
  dbAdminCredential: z.boolean(),
  expirySource: z.enum(['entered', 'certificate', 'provider_value']).nullable(),
  certificateSubject: z.string().nullable(),
  certificateIssuer: z.string().nullable(),
  createdAt: time,
  updatedAt: time.describe('Send it back as `expectedUpdatedAt` when updating: a mismatch is a 409'),
  ownerTeamAccess: z.enum(['admin', 'member', 'none']).describe("How the token's user relates to the owning team"),
});

export const ZValueWritten = z.object({
  versionId: z.string().describe("The provider's id of the new version"),
  writtenAt: time,
  warning: z.string().nullable().describe('Set when the same value is already used by other secrets'),
});

/** Every state a rotation run can be in (lib/rotation/state-machine.ts). */
const RUN_STATES = [...OPEN_STATES, ...TERMINAL_STATES] as const;
const RUN_TRIGGERS = ['manual', 'scheduled', 'emergency'] as const;

export const ZRotationRun = z.object({
  id: z.uuid(),
  strategy: z.enum(ROTATION_STRATEGIES),
  trigger: z.enum(RUN_TRIGGERS),
  state: z.enum(RUN_STATES),
  graceHours: z.number().int(),
  previousVersionId: z.string().nullable(),
  newVersionId: z.string().nullable(),
  attempts: z.number().int(),
  nextAttemptAt: nullableTime,
  failureMessage: z.string().nullable(),
  requestedByEmail: z.string().nullable(),
  confirmedByEmail: z.string().nullable(),
  revokedByEmail: z.string().nullable(),
  note: z.string(),
  createdAt: time,
  promotedAt: nullableTime,
  graceEndsAt: nullableTime,
  finishedAt: nullableTime,
  canRollBack: z.boolean(),
  canCancel: z.boolean(),
});

const ZAdoption = z
  .object({
    runId: z.uuid(),
    policy: z.enum(STRAGGLER_POLICIES),
    graceEndsAt: nullableTime,
    checkedAt: nullableTime.describe('When the worker last looked for the consumers; null before its first check'),
    heldAt: nullableTime.describe('Set when the grace period ended with stragglers and the policy holds the retirement'),
    graceExtendedAt: nullableTime,
    newUser: z.string().nullable().describe('alternating_users: the database user the new value names'),
    retiringUser: z.string().nullable().describe('alternating_users: the user it replaces, retired once consumers moved'),
    stragglers: z.array(z.string()).describe('What holds the retirement: declared consumers not moved, undeclared readers on the old value'),
    consumers: z.array(
      z.object({
        key: z.string(),
        systemId: z.uuid().nullable(),
        label: z.string(),
        declared: z.boolean(),
        status: z.enum(['moved', 'on_old', 'waiting', 'unobservable']),
        movedAt: nullableTime,
        oldSeenAt: nullableTime,
        evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('Identifiers only, never a value'),
        evidenceText: z.string().nullable(),
        checked: z.boolean().describe('False for a declared consumer the worker has not looked at yet'),
      }),
    ),
  })
  .nullable()
  .describe("The active run's consumers during its grace period and whether each moved to the new value; null outside a grace period");

export const ZRotationStatus = z.object({
  policy: z.object({
    strategy: z.enum(ROTATION_STRATEGIES),
    autoRotate: z.boolean(),
    stragglerPolicy: z.enum(STRAGGLER_POLICIES),
    graceHours: z.number().int(),
    reminderDays: z.number().int(),
    graceIsDefault: z.boolean(),
  }),
  runs: z.array(ZRotationRun).describe('The latest runs, newest first'),
  adoption: ZAdoption,
});

export const ZRotationStarted = z.object({ runId: z.uuid() });

export const ZRotationPage = z.object({
  items: z.array(
    z.object({
      ...secretHead,
      ...secretDates,
      strategy: z.enum(ROTATION_STRATEGIES),
      autoRotate: z.boolean(),
      lastRun: z
        .object({
          id: z.uuid(),
          state: z.enum(RUN_STATES),
          trigger: z.enum(RUN_TRIGGERS),
          startedAt: time,
          graceEndsAt: nullableTime,
          finishedAt: nullableTime,
          updatedAt: time,
          failureCode: z.string().nullable(),
          failureMessage: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
  next,
});

const team = { id: z.uuid(), name: z.string(), description: z.string(), secretCount: count, systemCount: count };
export const ZEnvironmentList = z.object({ items: z.array(ref) });
export const ZTeamPage = z.object({ items: z.array(z.object(team)), next, total: count });

const system = {
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  status: z.enum(SYSTEM_STATUSES),
  ownerTeam: ref,
  consumerCount: count,
};
export const ZSystemPage = z.object({ items: z.array(z.object(system)), next, total: count });
export const ZSystemDetail = z.object({ ...system, principals: z.array(z.string()), createdAt: time, updatedAt: time });

export const ZAuditPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      occurredAt: time,
      actor: z.object({ id: z.string().nullable(), email: z.string().nullable(), role: z.enum(['admin', 'engineer', 'viewer', 'auditor']).nullable() }),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      target: z.object({ name: z.string(), href: z.string().nullable() }).nullable(),
      environment: z.string().nullable(),
      outcome: z.enum(AUDIT_OUTCOMES),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      requestId: z.string().nullable(),
      changes: z.array(z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
      detail: z.array(z.object({ key: z.string(), value: z.string() })),
    }),
  ),
  next,
});

const postureFigures = {
  secrets: count,
  score: z.number().describe('Average score, 0-100'),
  failing: z.record(z.string(), count).describe('Secrets failing each posture check'),
};
export const ZPosture = z.object({
  day: z.string().nullable().describe('The day of the newest posture refresh; null before the first'),
  org: z.object(postureFigures).nullable(),
  team: z.object({ ...postureFigures, id: z.uuid(), name: z.string() }).nullable(),
  series: z.array(z.object({ day: z.string(), score: z.number(), secrets: count })),
  teams: z.array(z.object({ id: z.uuid(), name: z.string(), secrets: count, score: z.number(), previousScore: z.number().nullable() })),
});

const CONNECTION_KINDS = ['aws', 'gcp', 'local'] as const;
export const ZDriftPage = z.object({
  items: z.array(
    z.object({
      kind: z.enum(DRIFT_KINDS),
      kindLabel: z.string(),
      secret: z.object({ id: z.uuid(), name: z.string(), environment: z.string(), ownerTeam: ref }),
      connection: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(CONNECTION_KINDS) }),
      scannedAt: time.describe('When the scan the finding comes from finished'),
      inventory: z.string().describe('What the inventory says'),
      provider: z.string().describe("What the provider's snapshot says"),
      advice: z.string(),
      fix: z
        .object({ kind: z.enum(FIXABLE_KINDS), label: z.string() })
        .nullable()
        .describe('The one-click fix the Drift page offers, if any'),
      link: z.object({ href: z.string(), label: z.string() }).nullable().describe('The page of the app that resolves it otherwise'),
      mayFix: z.boolean().describe("Whether the token's user may use the fix"),
    }),
  ),
  next,
  counts: z.record(z.enum(DRIFT_KINDS), count).describe('Findings of each kind within the `connection` filter'),
  connections: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(CONNECTION_KINDS), scannedAt: nullableTime })),
  filter: z.object({ connection: z.uuid().nullable(), kind: z.enum(DRIFT_KINDS).nullable() }),
});
