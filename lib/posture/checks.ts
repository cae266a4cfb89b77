// The posture checklist: the practices the product is built on, one check each, as a SQL
// expression over one secret `s` that is true (passes), false (fails) or NULL (does not
// apply). The refresh (./refresh.ts) evaluates them for every secret in one statement and
// the secret page for one; both read this list, so the two never disagree.
import { Prisma } from '@/generated/prisma/client';
import { READ_EVENTS } from '@/lib/access/types';
import { POSTURE_CHECK_KEYS, type PostureCheckKey } from '@/lib/validation/posture';

/** What the checks are judged against: the time, and the drift report's findings (lib/discovery/drift.ts). */
export type PostureContext = {
  now: Date;
  /** Secrets with drift other than labels, and secrets whose owner/environment labels disagree. */
  drifted: string[];
  mislabelled: string[];
};

export type PostureCheck = {
  key: PostureCheckKey;
  /** What passing means, as the checklist shows it. */
  label: string;
  /** What to do when it fails. */
  advice: string;
  sql: (context: PostureContext) => Prisma.Sql;
};

const DAY_MS = 86_400_000;
/** Reads older than this do not count against "no undeclared readers" (the Access tab's window). */
export const READER_WINDOW_DAYS = 90;

/** Drift is judged for connected cloud secrets whose connection has a completed scan. */
const DRIFT_JUDGED = Prisma.sql`(s.provider_key <> '' AND EXISTS (
  SELECT 1 FROM discovery_scans ds JOIN provider_connections pc ON pc.id = ds.connection_id
  WHERE ds.connection_id = s.connection_id AND ds.status = 'completed' AND pc.kind IN ('aws', 'gcp')))`;

/** The newest recorded version of `s`: its keyed fingerprint (when we have one) as fp and the pepper's key id. */
const CURRENT_FINGERPRINT = Prisma.sql`(SELECT v.fingerprint AS fp, v.fingerprint_key_id AS key_id FROM secret_versions v WHERE v.secret_id = s.id ORDER BY v.created_at DESC LIMIT 1)`;

/**
 * A logged principal read as one of the secret's declared consumers: a system's principals
 * when it lists any (case-insensitive), else its name against the principal's short name
 * (lib/data/access-history.ts systemMatches says the same in TypeScript).
 */
const DECLARED_READER = Prisma.sql`EXISTS (
  SELECT 1 FROM secret_consumers c JOIN systems y ON y.id = c.system_id
  WHERE c.secret_id = s.id AND (
    (cardinality(y.principals) > 0 AND lower(btrim(e.principal)) IN (SELECT lower(btrim(p)) FROM unnest(y.principals) p))
    OR (cardinality(y.principals) = 0 AND lower(btrim(y.name)) = CASE
          WHEN position('@' IN e.principal) > 0 THEN split_part(lower(btrim(e.principal)), '@', 1)
          ELSE regexp_replace(lower(btrim(e.principal)), '^.*/', '') END)))`;

const CHECKS: Record<PostureCheckKey, Omit<PostureCheck, 'key'>> = {
  owner_contact: {
    label: 'Owner team and a contact person are set',
    advice: 'Name a contact person: the one to ask when this secret leaks or breaks.',
    sql: () => Prisma.sql`(s.contact_person IS NOT NULL AND btrim(s.contact_person) <> '')`,
  },
  consumers_declared: {
    label: 'Consuming systems are declared',
    advice: 'List the systems that use this secret, so a rotation knows whom to move and a leak whom to warn.',
    sql: () => Prisma.sql`EXISTS (SELECT 1 FROM secret_consumers c WHERE c.secret_id = s.id)`,
  },
  rotation_on_schedule: {
    label: 'A rotation interval is set and the secret is not overdue',
    advice: 'Set a rotation interval, and rotate the secret when it falls due.',
    sql: ({ now }) => Prisma.sql`(s.rotation_interval_days IS NOT NULL AND s.next_due_at >= ${now})`,
  },
  grace_strategy: {
    label: 'Rotation has a strategy with a grace period',
    advice: 'Choose a rotation strategy the dashboard can run (generated, database role, provider) with a grace period, so old and new values overlap.',
    sql: () =>
      Prisma.sql`(s.rotation_strategy <> 'manual' AND coalesce(s.grace_hours, (SELECT p.grace_hours FROM classification_policies p WHERE p.classification = s.classification), 0) > 0)`,
  },
  last_rotation_ok: {
    label: 'The last rotation succeeded',
    advice: 'Open the Rotation tab: find why the last run failed, fix it and rotate again.',
    sql: () =>
      Prisma.sql`(SELECT r.state NOT IN ('failed', 'rolled_back') FROM rotation_runs r WHERE r.secret_id = s.id AND r.state IN ('completed', 'failed', 'rolled_back') ORDER BY r.created_at DESC LIMIT 1)`,
  },
  unique_value: {
    label: 'The value is known and used in no other environment',
    advice: 'Write the value through the dashboard so its fingerprint is known, and give every environment a value of its own.',
    // Only for secrets whose values live in a connected provider.
    sql: () => Prisma.sql`CASE WHEN s.connection_id IS NULL THEN NULL ELSE coalesce((
      SELECT NOT EXISTS (
        SELECT 1 FROM secret_versions o JOIN secrets os ON os.id = o.secret_id
        WHERE o.fingerprint = f.fp AND (o.fingerprint_key_id IS NULL OR f.key_id IS NULL OR o.fingerprint_key_id = f.key_id)
          AND os.id <> s.id AND os.environment_id <> s.environment_id AND os.status <> 'decommissioned')
      FROM ${CURRENT_FINGERPRINT} f WHERE f.fp IS NOT NULL), false) END`,
  },
  no_undeclared_readers: {
    label: 'Nobody reads it but its declared consumers',
    advice: 'Open the Access tab: declare the systems that read this secret, or take the access away from those that should not.',
    // Only where access history exists (a connected provider whose logs were read).
    sql: ({
      now,
    }) => Prisma.sql`CASE WHEN NOT EXISTS (SELECT 1 FROM access_ingestion_cursors k WHERE k.connection_id = s.connection_id AND k.completed_runs > 0) THEN NULL
      ELSE NOT EXISTS (
        SELECT 1 FROM access_events e
        WHERE e.secret_id = s.id AND e.occurred_at >= ${new Date(now.getTime() - READER_WINDOW_DAYS * DAY_MS)}
          AND e.error_code IS NULL AND e.principal <> '' AND e.event_name = ANY(${[...READ_EVENTS]}::text[])
          AND NOT ${DECLARED_READER}) END`,
  },
  no_drift: {
    label: 'The cloud agrees with the inventory',
    advice:
      'Open Discovery → Drift for this secret: the provider secret is missing or being deleted, its rotation or last change disagrees, or someone wrote a version outside the dashboard.',
    sql: ({ drifted }) => Prisma.sql`CASE WHEN NOT ${DRIFT_JUDGED} THEN NULL ELSE NOT (s.id = ANY(${drifted}::uuid[])) END`,
  },
  tags_match: {
    label: 'Its owner and environment tags at the provider match',
    advice: 'Write the tags from Discovery → Drift (one click), so the cloud console names the right owner.',
    sql: ({ mislabelled }) => Prisma.sql`CASE WHEN NOT ${DRIFT_JUDGED} THEN NULL ELSE NOT (s.id = ANY(${mislabelled}::uuid[])) END`,
  },
  classification_set: {
    label: 'A classification is set',
    advice: 'Classify the secret so its rotation and approval policy apply.',
    sql: () => Prisma.sql`(s.classification IS NOT NULL)`,
  },
};

export const POSTURE_CHECKS: PostureCheck[] = POSTURE_CHECK_KEYS.map((key) => ({ key, ...CHECKS[key] }));

export function postureCheck(key: PostureCheckKey): PostureCheck {
  return { key, ...CHECKS[key] };
}
