import type { Metadata } from 'next';
import { searchOf, type SearchParams } from '@/lib/validation/list-url';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { DeniedPage, loadOrDenied } from '@/components/errors/denied';
import { AuditExports, AuditFilters, AuditResults, FilterProblems } from '@/components/audit/list-sections';
import { AuditListViewProvider } from '@/components/audit/list-view';
import { latestChainStatus } from '@/lib/audit/verifications';
import { requireSignedIn } from '@/lib/auth/session';
import { listAuditActions } from '@/lib/data/audit-events';
import { auditListView } from '@/lib/data/audit-list-view';
import { getAuditRetention } from '@/lib/data/audit-retention';
import { can } from '@/lib/auth/permissions';
import { listEnvironments } from '@/lib/data/catalog';
import { ChainStatusPanel } from './chain-status';
import { RetentionLine } from './retention-line';

export const metadata: Metadata = { title: 'Audit trail' };

// The first view is rendered here; later views (filters, pages, back and forward) only
// fetch their events from /api/audit/events and re-render the parts that show them in the
// browser (components/audit/list-view.tsx, list-sections.tsx). The header, chain status
// and retention line are not fetched again.
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await requireSignedIn();
  const actions = await loadOrDenied(listAuditActions(caller));
  if (actions === undefined) return <DeniedPage title="Audit trail">Only auditors and administrators can read the audit trail.</DeniedPage>;
  const canExport = can(caller.user.role, 'audit.export');
  const [chainStatus, retention, view, environments] = await Promise.all([
    latestChainStatus(caller),
    getAuditRetention(caller),
    auditListView(caller, params),
    canExport ? listEnvironments(caller) : [],
  ]);

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every sign-in, change and refused attempt, newest first. Events cannot be edited or deleted. Times are UTC."
        actions={<LinkButton href="/audit/verify">Verify a bundle</LinkButton>}
      />
      <ChainStatusPanel status={chainStatus} />
      <RetentionLine retention={retention} canChange={can(caller.user.role, 'admin.retention')} />
      <AuditListViewProvider initialSearch={searchOf(params)} initialView={view}>
        <FilterProblems />
        <AuditFilters actions={actions} />
        {canExport && <AuditExports environments={environments.map((e) => e.name)} />}
        <AuditResults />
      </AuditListViewProvider>
    </>
  );
}
