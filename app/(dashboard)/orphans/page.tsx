import type { Metadata } from 'next';
import { SECTION_LABELS, sectionDescription } from '@/components/orphans/labels';
import { OrphanTable } from '@/components/orphans/orphan-table';
import { SectionTabs, WindowChoice } from '@/components/orphans/section-tabs';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Pager } from '@/components/ui/pager';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { appClock } from '@/lib/clock';
import { listOrphans, orphanCounts } from '@/lib/data/orphans';
import { orphansExportHref, orphansHref, parseOrphanQuery, type OrphanSection } from '@/lib/validation/orphans';

export const metadata: Metadata = { title: 'Orphans' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrphansPage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requireSignedIn();
  const query = parseOrphanQuery(await searchParams);
  const clock = appClock();
  const now = clock.now();
  const [page, counts] = await Promise.all([listOrphans(caller, query, clock), orphanCounts(caller, query, clock)]);
  const { tab, days, after } = query;

  return (
    <>
      <PageHeader
        title="Orphans"
        description="Secrets nobody declares or reads, declared consumers that never read, and readers nobody declared."
        actions={
          <>
            <WindowChoice current={days} hrefFor={(d) => orphansHref({ tab, days: d })} />
            {can(caller.user.role, 'inventory.export') && (
              <a href={orphansExportHref({ tab, days })} className={buttonClass('secondary')} download>
                Export CSV<span className="sr-only"> of {SECTION_LABELS[tab]}</span>
              </a>
            )}
          </>
        }
      />

      <SectionTabs current={tab} counts={counts} hrefFor={(section) => orphansHref({ tab: section, days })} />

      <h2 className="sr-only">{SECTION_LABELS[tab]}</h2>
      <p className="mb-3 text-sm text-slate-600">{sectionDescription(tab, days)}</p>

      {page.items.length === 0 ? (
        after ? (
          <EmptyState title="This page is past the end of the list">
            <p>The report changed since this link was made.</p>
          </EmptyState>
        ) : (
          <EmptyState title={EMPTY_TITLES[tab]}>
            <p>Nothing to clean up here right now.</p>
          </EmptyState>
        )
      ) : (
        <>
          <OrphanTable items={page.items} section={tab} now={now.getTime()} caption={SECTION_LABELS[tab]} />
          <Pager
            summary={pagerSummary(page.items.length, counts[tab], NOUNS[tab])}
            firstHref={after ? orphansHref({ tab, days }) : undefined}
            nextHref={page.nextCursor ? orphansHref({ tab, days, after: page.nextCursor }) : undefined}
          />
        </>
      )}
    </>
  );
}

/** "Showing 50 of 8,000 secrets"; without a count (the pair sections), "Showing 50 consumers". */
function pagerSummary(shown: number, total: number | null, [one, many]: [string, string]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  if (total === null) return `Showing ${n(shown)} ${shown === 1 ? one : many}`;
  return `Showing ${n(shown)} of ${n(total)} ${total === 1 ? one : many}`;
}

const EMPTY_TITLES: Record<OrphanSection, string> = {
  unconsumed: 'Every secret has a declared consumer',
  unread: 'Every secret was read in this window',
  silent: 'Every declared consumer read its secrets',
  undeclared: 'No undeclared readers',
};

const NOUNS: Record<OrphanSection, [string, string]> = {
  unconsumed: ['secret', 'secrets'],
  unread: ['secret', 'secrets'],
  silent: ['consumer', 'consumers'],
  undeclared: ['reader', 'readers'],
};
