// Adoption evidence for provider secrets: who read which value after promotion, from the
// provider's own access history (access_events, ingested from CloudTrail and Cloud Audit
// Logs by lib/access). A successful read after promotion is classified:
// - AWS GetSecretValue: no version and no stage, AWSCURRENT, or the new version id → new;
//   the previous version id or AWSPREVIOUS → old; anything else (AWSPENDING, older ids) → neither.
// - GCP AccessSecretVersion: `latest` or the new version number → new; the previous number → old.
// The dashboard's own reads (lib/providers/own-identity.ts) are left out.
//
// One indexed query over (secret_id, occurred_at, seq), grouped in SQL by principal and
// classification, so millions of events never come into memory; then one indexed look-up
// per group for the read that decides it (the first new read, the newest old read).
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { db } from '@/lib/db';
import { READ_EVENTS } from '@/lib/access/types';
import { DASHBOARD_CALLER } from '@/lib/providers/own-identity';
import { principalMatches } from './principals';
import type { AdoptionRun, DeclaredConsumer, Observation } from './types';

type Kind = 'new' | 'old';

/** What one principal's reads after promotion came to. */
export type PrincipalReads = {
  principal: string;
  reads: number;
  oldReads: number;
  firstNew: DecidingRead | null;
  lastOld: DecidingRead | null;
};

export type DecidingRead = {
  principal: string;
  eventName: string;
  occurredAt: Date;
  version: string | null;
  stage: string | null;
  sourceIp: string | null;
  userAgent: string | null;
};

/** The trailing version number of a GCP version id or resource name ("5", ".../versions/5"). */
export function gcpVersionNumber(id: string | null): string | null {
  if (id === null) return null;
  return /(\d+)$/.exec(id.trim())?.[1] ?? id.trim();
}

type GroupRow = { principal: string; kind: Kind | null; reads: number; first_at: Date; last_at: Date };
type ReadRow = {
  seq: bigint;
  kind: Kind | null;
  event_name: string;
  occurred_at: Date;
  version_id: string | null;
  version_stage: string | null;
  gcp_version: string | null;
  source_ip: string | null;
  user_agent: string | null;
};

/** new, old or NULL for an access_events row of the run's secret. */
function kindSql(run: AdoptionRun): Prisma.Sql {
  const gcpNew = gcpVersionNumber(run.newVersionId);
  const gcpPrev = gcpVersionNumber(run.previousVersionId);
  return Prisma.sql`CASE
    WHEN event_name = 'AccessSecretVersion' THEN
      CASE WHEN summary->>'version' = 'latest' OR summary->>'version' = ${gcpNew}::text THEN 'new'
           WHEN summary->>'version' = ${gcpPrev}::text THEN 'old' END
    WHEN summary->>'versionId' IS NOT NULL THEN
      CASE WHEN summary->>'versionId' = ${run.newVersionId}::text THEN 'new'
           WHEN summary->>'versionId' = ${run.previousVersionId}::text THEN 'old' END
    WHEN summary->>'versionStage' IS NULL OR summary->>'versionStage' = 'AWSCURRENT' THEN 'new'
    WHEN summary->>'versionStage' = 'AWSPREVIOUS' THEN 'old'
  END`;
}

/** Successful reads by anyone but the dashboard itself. */
const COUNTED = Prisma.sql`error_code IS NULL AND event_name = ANY(${[...READ_EVENTS]}::text[])
  AND strpos(coalesce(user_agent, ''), ${DASHBOARD_CALLER}::text) = 0
  AND strpos(coalesce(summary->>'sessionArn', ''), ${DASHBOARD_CALLER}::text) = 0`;

export async function providerObservations(run: AdoptionRun, declared: DeclaredConsumer[]): Promise<Observation[]> {
  return observationsFrom(await readsAfterPromotion(run), declared);
}

/** Per principal, the reads of run.secretId after promotion (the dashboard's own left out). */
export async function readsAfterPromotion(run: AdoptionRun): Promise<PrincipalReads[]> {
  const groups = await db.$queryRaw<GroupRow[]>`
    SELECT principal, kind, count(*)::int AS reads, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM (
      SELECT principal, occurred_at, ${kindSql(run)} AS kind
      FROM access_events
      WHERE secret_id = ${run.secretId}::uuid AND occurred_at >= ${run.promotedAt} AND ${COUNTED}
    ) r
    GROUP BY principal, kind ORDER BY principal, kind`;

  const byPrincipal = new Map<string, PrincipalReads>();
  for (const g of groups) {
    const entry = byPrincipal.get(g.principal) ?? { principal: g.principal, reads: 0, oldReads: 0, firstNew: null, lastOld: null };
    byPrincipal.set(g.principal, entry);
    entry.reads += g.reads;
    if (g.kind === 'old') {
      entry.oldReads = g.reads;
      entry.lastOld = await decidingRead(run, g.principal, 'old', g.last_at);
    } else if (g.kind === 'new') {
      entry.firstNew = await decidingRead(run, g.principal, 'new', g.first_at);
    }
  }
  // Principals with neither a new nor an old read (only AWSPENDING, say) say nothing of adoption.
  return [...byPrincipal.values()].filter((p) => p.firstNew || p.lastOld);
}

/** The group's deciding read: the first new read, or the newest old one, at `at`. */
async function decidingRead(run: AdoptionRun, principal: string, kind: Kind, at: Date): Promise<DecidingRead> {
  const rows = await db.$queryRaw<ReadRow[]>`
    SELECT seq, ${kindSql(run)} AS kind, event_name, occurred_at, summary->>'versionId' AS version_id,
      summary->>'versionStage' AS version_stage, summary->>'version' AS gcp_version, source_ip, user_agent
    FROM access_events
    WHERE secret_id = ${run.secretId}::uuid AND occurred_at = ${at} AND principal = ${principal} AND ${COUNTED}
    ORDER BY seq`;
  const ofKind = rows.filter((r) => r.kind === kind);
  // Same instant: the first of them for a move, the last for an old read.
  const row = (kind === 'new' ? ofKind[0] : ofKind[ofKind.length - 1]) ?? rows[0];
  // Gone meanwhile (its secret's events purged): the time is still the group's.
  if (!row) return { principal, eventName: '', occurredAt: at, version: null, stage: null, sourceIp: null, userAgent: null };
  const gcp = row.event_name === 'AccessSecretVersion';
  return {
    principal,
    eventName: row.event_name,
    occurredAt: row.occurred_at,
    version: gcp ? row.gcp_version : row.version_id,
    stage: gcp ? null : row.version_stage,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
  };
}

/** Whether these reads show some instance still on the old value (conservative). */
function stillOnOld(reads: PrincipalReads[]): boolean {
  return reads.some((p) => p.lastOld !== null && (p.firstNew === null || p.lastOld.occurredAt > p.firstNew.occurredAt));
}

function evidenceOf(reads: PrincipalReads[], onOld: boolean): Observation['evidence'] {
  const news = reads.map((p) => p.firstNew).filter((r) => r !== null);
  const olds = reads.map((p) => p.lastOld).filter((r) => r !== null);
  const firstNew = news.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())[0] ?? null;
  const lastOld = olds.sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime())[0] ?? null;
  const deciding = onOld ? lastOld : (firstNew ?? lastOld);
  return {
    principal: deciding?.principal ?? null,
    eventName: deciding?.eventName ?? null,
    occurredAt: deciding?.occurredAt.toISOString() ?? null,
    version: deciding?.version ?? null,
    stage: deciding?.stage ?? null,
    sourceIp: deciding?.sourceIp ?? null,
    userAgent: deciding?.userAgent ?? null,
    reads: reads.reduce((n, p) => n + p.reads, 0),
    oldReads: reads.reduce((n, p) => n + p.oldReads, 0),
  };
}

function observe(base: Pick<Observation, 'key' | 'systemId' | 'label' | 'declared' | 'observable'>, reads: PrincipalReads[]): Observation {
  const firstNew = reads.map((p) => p.firstNew?.occurredAt.getTime()).filter((t) => t !== undefined);
  const lastOld = reads.map((p) => p.lastOld?.occurredAt.getTime()).filter((t) => t !== undefined);
  const onOld = stillOnOld(reads);
  return {
    ...base,
    movedAt: firstNew.length ? new Date(Math.min(...firstNew)) : null,
    onOld,
    oldSeenAt: lastOld.length ? new Date(Math.max(...lastOld)) : null,
    evidence: evidenceOf(reads, onOld),
  };
}

/** Pure: one observation per declared consumer, then one per undeclared principal. */
export function observationsFrom(reads: PrincipalReads[], declared: DeclaredConsumer[]): Observation[] {
  const claimed = new Set<string>();
  const out: Observation[] = [];
  for (const consumer of declared) {
    const mine = reads.filter((p) => consumer.principals.some((d) => principalMatches(d, p.principal)));
    mine.forEach((p) => claimed.add(p.principal));
    out.push(
      observe(
        { key: `system:${consumer.systemId}`, systemId: consumer.systemId, label: consumer.name, declared: true, observable: consumer.principals.length > 0 },
        mine,
      ),
    );
  }
  for (const p of reads) {
    if (claimed.has(p.principal)) continue;
    out.push(observe({ key: `principal:${p.principal}`, systemId: null, label: p.principal || 'unknown identity', declared: false, observable: true }, [p]));
  }
  return out;
}
