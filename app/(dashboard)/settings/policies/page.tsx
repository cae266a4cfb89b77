import type { Metadata } from 'next';
import { formatDateTime } from '@/components/format';
import { CLASSIFICATION_LABELS } from '@/components/inventory/labels';
import { ClassificationBadge } from '@/components/inventory/secret-badges';
import { PolicyForm } from '@/components/policies/policy-form';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listPolicies } from '@/lib/data/policies';
import { updatePolicyAction } from './actions';

export const metadata: Metadata = { title: 'Rotation policies' };

export default async function PoliciesPage() {
  const caller = await requireSignedIn();
  const policies = await listPolicies(caller);
  const canEdit = can(caller.user.role, 'admin.policies');

  return (
    <>
      <PageHeader
        title="Rotation policies"
        description="Defaults per classification. A secret uses them unless its own form sets an interval, grace period or reminder."
      />
      {!canEdit ? (
        <>
          <div className="mb-4">
            <Alert tone="info">Only administrators can change the rotation defaults.</Alert>
          </div>
          <Table caption="Rotation defaults per classification">
            <thead>
              <tr>
                <Th>Classification</Th>
                <Th className="text-right">Rotate every</Th>
                <Th className="text-right">Grace period</Th>
                <Th className="text-right">Remind before</Th>
                <Th>Two-person rule</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {policies.map((p) => (
                <Tr key={p.classification}>
                  <Td>
                    <ClassificationBadge value={p.classification} />
                  </Td>
                  <Td className="text-right tabular-nums">{p.intervalDays} days</Td>
                  <Td className="text-right tabular-nums">{p.graceHours} hours</Td>
                  <Td className="text-right tabular-nums">{p.reminderDays} days</Td>
                  <Td>{p.requireApproval ? 'In production' : 'No'}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </>
      ) : (
        <div className="grid max-w-4xl gap-6">
          <p className="text-sm text-slate-600">
            The interval also fills in a new secret&apos;s form, where it can still be cleared for a secret without a policy. The grace period is how long the
            previous value stays valid after a new one is promoted; reminders go out that many days before a secret falls due. The two-person rule makes value
            writes and rotations started by a person wait for a second person&apos;s approval.
          </p>
          {policies.map((p) => (
            <Card key={p.classification} title={`${CLASSIFICATION_LABELS[p.classification]} secrets`}>
              <PolicyForm policy={{ ...p, label: CLASSIFICATION_LABELS[p.classification] }} action={updatePolicyAction.bind(null, p.classification)} />
              <p className="mt-3 text-xs text-slate-500">Last changed {formatDateTime(p.updatedAt)}</p>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
