import type { Metadata } from 'next';
import { formatDateTime } from '@/components/format';
import { RetentionForm } from '@/components/audit/retention-form';
import { LastPurge, RetentionPeriod, ShortRetentionWarning } from '@/components/audit/retention-summary';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { DeniedPage, loadOrDenied } from '@/components/errors/denied';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { getAuditRetention } from '@/lib/data/audit-retention';
import { updateAuditRetentionAction } from './actions';

export const metadata: Metadata = { title: 'Audit retention' };

export default async function AuditRetentionPage() {
  const caller = await requireSignedIn();
  const retention = await loadOrDenied(getAuditRetention(caller));
  if (retention === undefined) return <DeniedPage title="Audit retention">Only auditors and administrators can see the audit retention period.</DeniedPage>;
  const canEdit = can(caller.user.role, 'admin.retention');

  return (
    <>
      <PageHeader title="Audit retention" description="How long the audit trail keeps events before the operator may purge them." />
      <div className="grid max-w-4xl gap-6">
        {!canEdit && <Alert tone="info">Only administrators can change the retention period.</Alert>}
        <Card title="Current period">
          <p className="text-sm text-slate-800">
            <RetentionPeriod retentionDays={retention.retentionDays} now={new Date()} />
          </p>
          <ShortRetentionWarning retentionDays={retention.retentionDays} />
          <p className="mt-4 text-sm text-slate-600">
            Nothing is ever deleted automatically. Events older than the period may be removed only by whoever operates the deployment, with{' '}
            <code className="font-mono text-slate-800">npm run audit:purge -- --before &lt;date&gt; --export &lt;file&gt;</code>. The command refuses dates
            inside the period, exports the events to a JSON Lines file first, checks their hash chain, then records a checkpoint (the hash of the last purged
            event) so the remaining chain still verifies, and audits the purge. The export file is then the only copy of those events: archive it.
          </p>
          <p className="mt-3 text-xs text-slate-500">Last changed {formatDateTime(retention.updatedAt)}</p>
        </Card>
        {canEdit && (
          <Card title="Change the period">
            <RetentionForm retentionDays={retention.retentionDays} updatedAt={retention.updatedAt} action={updateAuditRetentionAction} />
          </Card>
        )}
        <Card title="Last purge">
          <LastPurge lastPurge={retention.lastPurge} />
        </Card>
      </div>
    </>
  );
}
