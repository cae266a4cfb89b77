// The Orphans report: secrets nobody declares, secrets nobody reads, declared consumers
// that never read, and readers nobody declared, org-wide. It only reads: 'secrets.read'
// (a denial is audited), scoped as the inventory list is (every secret it lists by default,
// so not the decommissioned ones). Each row says whether the caller may decommission its
// secret (engineer of the owning team, admin), so the page offers the suggestion only then;
// the decommission action decides again. "Now" comes from the injected clock.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import { callerCan } from '@/lib/auth/token-scopes';
import { actsOnEveryTeam } from '@/lib/auth/team-scope';
import { appClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { keysetPage } from '@/lib/db/cursor';
import { secretHeadOf, type SecretListHead } from '@/lib/data/sql/secret-list';
import {
  encodeOrphanCursor,
  orphanCountsSql,
  orphanPageSql,
  type LogsState,
  type OrphanCountsRow,
  type OrphanRowBase,
  type SilentConsumerRow,
  type UndeclaredReaderRow,
} from '@/lib/data/sql/orphans';
import { parseInput } from '@/lib/validation/parse';
import { decommissionReason, ORPHAN_PAGE_SIZE, ZOrphanQuery, type OrphanSection, type TOrphanQuery } from '@/lib/validation/orphans';

/** What the report knows about who reads a secret. */
export type ReadEvidence = {
  /** The newer of the two dates below (ISO), null when neither is known. */
  lastReadAt: string | null;
  /** Newest read in the provider's access logs. */
  logsLastReadAt: string | null;
  /** The provider's own last-accessed date (AWS, from discovery). */
  providerLastReadAt: string | null;
  logs: LogsState;
  /** Whether anything tells if the secret was read; false = "no access data", not "unread". */
  hasAccessData: boolean;
};

export type OrphanItem = SecretListHead & {
  read: ReadEvidence;
  consumerCount: number;
  /** The decommission reason the report suggests; null when the caller may not decommission this secret or nothing supports it. */
  suggestion: string | null;
  /** Set in the "declared consumers that never read" section. */
  system?: { id: string; name: string; principals: string[]; decommissioned: boolean };
  /** Set in the "undeclared readers" section: one reading identity and its reads in the window. */
  reader?: { principal: string; principalType: string; reads: number; firstReadAt: string; lastReadAt: string };
};

export type OrphanPage = { items: OrphanItem[]; nextCursor: string | null };
/** Rows per section; null for the pair sections, which are not counted (lib/data/sql/orphans.ts orphanCountsSql). */
export type OrphanCounts = Record<OrphanSection, number | null>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** One page of a section, riskiest first (classification, then the oldest read). */
export async function listOrphans(caller: Caller, query: Partial<TOrphanQuery>, clock: Clock = appClock()): Promise<OrphanPage> {
  const user = await authorize(caller, 'secrets.read', { action: 'orphans.list', targetType: 'secret' });
  const { tab, days, after } = parseInput(ZOrphanQuery, query);
  const now = clock.now();
  const since = now.getTime() - days * 86_400_000;
  const rows = await db.$queryRaw<(OrphanRowBase & Partial<SilentConsumerRow> & Partial<UndeclaredReaderRow>)[]>(
    orphanPageSql(tab, { now, days, size: ORPHAN_PAGE_SIZE, after }),
  );
  const mayDecommission = await decommissionScope(caller, user);
  const suggests = tab === 'unconsumed' || tab === 'unread';
  return keysetPage(
    rows,
    ORPHAN_PAGE_SIZE,
    (r) => {
      const read = readEvidence(r);
      const item: OrphanItem = {
        ...secretHeadOf(r),
        read,
        consumerCount: r.consumer_count,
        suggestion: null,
      };
      // "Not read" proves nothing without access data: then only the missing consumers speak.
      // A secret read within the window is in use, consumers declared or not: no suggestion.
      const readInWindow = read.lastReadAt !== null && Date.parse(read.lastReadAt) >= since;
      if (suggests && mayDecommission(r.team_id) && !readInWindow && (tab === 'unconsumed' || read.hasAccessData)) {
        item.suggestion = decommissionReason({ lastReadAt: read.lastReadAt, hasAccessData: read.hasAccessData, consumerCount: r.consumer_count }, now);
      }
      if (r.system_id && r.system_name !== undefined) {
        item.system = { id: r.system_id, name: r.system_name, principals: r.system_principals ?? [], decommissioned: r.system_status === 'decommissioned' };
      }
      if (r.principal !== undefined && r.first_at && r.last_at) {
        item.reader = {
          principal: r.principal,
          principalType: r.principal_type ?? '',
          reads: r.reads ?? 0,
          firstReadAt: r.first_at.toISOString(),
          lastReadAt: r.last_at.toISOString(),
        };
      }
      return item;
    },
    (last) => encodeOrphanCursor(last.k),
  );
}

/** How many secrets the secret sections hold (the tabs). */
export async function orphanCounts(caller: Caller, query: Partial<Pick<TOrphanQuery, 'days'>>, clock: Clock = appClock()): Promise<OrphanCounts> {
  await authorize(caller, 'secrets.read', { action: 'orphans.list', targetType: 'secret' });
  const { days } = parseInput(ZOrphanQuery, query);
  const [c] = await db.$queryRaw<OrphanCountsRow[]>(orphanCountsSql({ now: clock.now(), days }));
  return { unconsumed: c.unconsumed, unread: c.unread, silent: null, undeclared: null };
}

function readEvidence(r: OrphanRowBase): ReadEvidence {
  return {
    lastReadAt: iso(r.read_at),
    logsLastReadAt: iso(r.logs_read_at),
    providerLastReadAt: iso(r.provider_read_at),
    logs: r.logs_state,
    hasAccessData: r.logs_state === 'ok' || r.provider_date_known || r.logs_read_at !== null,
  };
}

/** Which owning teams' secrets the caller may decommission (the decommission action's own rule). */
async function decommissionScope(caller: Caller, user: SessionUser): Promise<(teamId: string) => boolean> {
  if (!callerCan(caller, 'secrets.write')) return () => false;
  if (actsOnEveryTeam(user)) return () => true;
  const teams = await db.teamMember.findMany({ where: { userId: user.id }, select: { teamId: true } });
  const ids = new Set(teams.map((t) => t.teamId));
  return (teamId) => ids.has(teamId);
}
