// The Orphans report as it lives in the URL: which section, the "not read for N days"
// window (also the access-history window of the consumer sections) and the keyset cursor.
// Unknown or malformed parameters fall back to defaults instead of failing the page.
// Also the decommission reason the report suggests, and how the secret page reads it back.
import { z } from 'zod';
import { firstValues, listHref, loose, type SearchParams } from './list-url';
import { ZDecommission } from './secret';

export const ORPHAN_SECTIONS = ['unconsumed', 'unread', 'silent', 'undeclared'] as const;
export type OrphanSection = (typeof ORPHAN_SECTIONS)[number];

export const ORPHAN_WINDOWS = [30, 60, 90, 180] as const;
export const DEFAULT_ORPHAN_DAYS = 90;
export const ORPHAN_PAGE_SIZE = 50;

export const ZOrphanQuery = z.object({
  tab: z.enum(ORPHAN_SECTIONS).catch('unconsumed').default('unconsumed'),
  days: z.coerce
    .number()
    .int()
    .refine((d) => (ORPHAN_WINDOWS as readonly number[]).includes(d))
    .catch(DEFAULT_ORPHAN_DAYS)
    .default(DEFAULT_ORPHAN_DAYS),
  // Longer than the lists' cursors: it may carry a reading principal (an ARN or an email).
  after: loose(z.string().max(4000)),
});
export type TOrphanQuery = z.infer<typeof ZOrphanQuery>;

export function parseOrphanQuery(params: SearchParams): TOrphanQuery {
  return ZOrphanQuery.parse(firstValues(params));
}

/** A URL of the report, leaving out defaults so shared links stay short. */
export function orphansHref(query: Partial<TOrphanQuery>): string {
  return listHref('/orphans', query, { tab: 'unconsumed', days: DEFAULT_ORPHAN_DAYS });
}

/** The CSV export of a section (its window; the whole section, whatever page is shown). */
export function orphansExportHref(query: Pick<TOrphanQuery, 'tab' | 'days'>): string {
  return listHref('/api/export/orphans', { tab: query.tab, days: query.days }, { tab: 'unconsumed', days: DEFAULT_ORPHAN_DAYS });
}

/** The query parameter of a secret's page that opens its decommission form with a reason filled in. */
export const DECOMMISSION_REASON_PARAM = 'decommissionReason';

/**
 * The suggested reason from a secret page's URL: the decommission form's own rule (trimmed,
 * 3 to 500 characters), else none. A reason is not secret; it is only a starting text the
 * engineer reads, edits and submits through the usual, authorized action.
 */
export function suggestedDecommissionReason(params: SearchParams): string | undefined {
  const parsed = ZDecommission.shape.reason.safeParse(firstValues(params)[DECOMMISSION_REASON_PARAM]);
  return parsed.success ? parsed.data : undefined;
}

/** A secret page's URL that opens its decommission form with `reason` filled in. */
export function decommissionHref(secretId: string, reason: string): string {
  return `/inventory/${secretId}?${new URLSearchParams({ [DECOMMISSION_REASON_PARAM]: reason })}#decommission-heading`;
}

const DAY_MS = 86_400_000;

/** The evidence behind a suggestion, as the report knows it. */
export type DecommissionEvidence = {
  /** The newest read (access logs or the provider's last-accessed date), ISO. */
  lastReadAt: string | null;
  /** Whether any access data exists for the secret (else "not read" proves nothing). */
  hasAccessData: boolean;
  consumerCount: number;
};

/** "Not read in 94 days (last read 2026-09-03); no declared consumers": the reason the report fills in. */
export function decommissionReason(evidence: DecommissionEvidence, now: Date): string {
  const parts: string[] = [];
  if (evidence.hasAccessData) {
    if (evidence.lastReadAt) {
      const days = Math.floor((now.getTime() - Date.parse(evidence.lastReadAt)) / DAY_MS);
      parts.push(`Not read in ${days} days (last read ${evidence.lastReadAt.slice(0, 10)})`);
    } else {
      parts.push('Never read in the provider access history');
    }
  }
  if (evidence.consumerCount === 0) parts.push('no declared consumers');
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
