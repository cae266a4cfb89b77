// The two-person rule's gate on a secret's tab (value writes, rotations), wired to the
// shared approval actions for this secret.
import { ApprovalGate, type ApprovalKindName } from '@/components/approvals/approval-gate';
import type { SecretApprovals } from '@/lib/data/approvals';
import type { SecretDetail } from '@/lib/data/secrets';
import { cancelApprovalAction, requestApprovalAction } from './approval-actions';

export function SecretApprovalGate({
  kind,
  secret,
  approvals,
  children,
}: {
  kind: ApprovalKindName;
  secret: SecretDetail;
  approvals: SecretApprovals;
  children: React.ReactNode;
}) {
  return (
    <ApprovalGate
      kind={kind}
      team={secret.ownerTeam.name}
      mine={approvals.mine[kind]}
      request={requestApprovalAction.bind(null, secret.id)}
      cancel={cancelApprovalAction}
    >
      {children}
    </ApprovalGate>
  );
}
