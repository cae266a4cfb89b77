// A secret's Rotation tab: its policy, the rotation in progress (with the runbook for
// manual rotations, roll back during the grace period, the consumers' adoption of the new
// value and a held retirement), each run's timeline, past runs, incidents, and
// "mark compromised".
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime, formatDay } from '@/components/format';
import { STATE_LABELS, STATE_TONES, STRATEGY_LABELS, TRIGGER_LABELS } from '@/components/rotation/labels';
import { PendingApprovals } from '@/components/approvals/approval-gate';
import { GraceNote } from '@/components/rotation/grace-note';
import { ActiveUserLine, ConsumersPanel, ExtendedNote, HeldBanner } from '@/components/rotation/adoption-panel';
import { RunTimeline } from '@/components/rotation/run-timeline';
import { MarkCompromisedForm, RunbookValueForm, StepButton } from '@/components/rotation/run-actions';
import { EmptyNote } from '@/components/ui/empty-state';
import { HeadedSection, Panel } from '@/components/ui/panel';
import { Badge } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { shortVersion } from '@/components/values/short-version';
import { TeamScopeNote } from '@/components/inventory/team-scope-note';
import { can, canOnSecret } from '@/lib/auth/permissions';
import { listSecretApprovals } from '@/lib/data/approvals';
import { listSecretIncidents } from '@/lib/data/incidents';
import { leakReason, secretLeakFinding } from '@/lib/data/leak-scans';
import { isUuid } from '@/lib/validation/ids';
import { SEVERITY_LABELS } from '@/components/leaks/labels';
import { FindingLocationText } from '@/components/leaks/finding-parts';
import { getRotationPolicy, listSecretRotations, type RotationRunView } from '@/lib/data/rotations';
import { getRunAdoption, listRunTimeline, type RunAdoption, type TimelineEvent } from '@/lib/data/rotation-adoption';
import { STRAGGLER_POLICY_LABELS } from '@/components/inventory/labels';
import {
  cancelRotationAction,
  confirmOldKeyRevokedAction,
  confirmRotationWorksAction,
  markCompromisedAction,
  retireOldValueNowAction,
  rollBackRotationAction,
  startRotationAction,
  submitRotationValueAction,
} from './actions';
import { decideApprovalAction } from '../../approval-actions';
import { SecretApprovalGate } from '../../secret-approval-gate';
import { loadSecretTab, type SecretParams } from '../../load-secret';

export const metadata: Metadata = { title: 'Rotation' };

export default async function SecretRotationPage({
  params,
  searchParams,
}: {
  params: SecretParams;
  searchParams: Promise<{ finding?: string | string[]; run?: string | string[] }>;
}) {
  const { caller, secret } = await loadSecretTab(params);
  const { finding: findingId, run: runParam } = await searchParams;
  const [runs, incidents, policy, approvals, finding] = await Promise.all([
    listSecretRotations(caller, secret.id),
    listSecretIncidents(caller, secret.id),
    getRotationPolicy(caller, secret.id),
    listSecretApprovals(caller, secret.id),
    typeof findingId === 'string' && isUuid(findingId) ? secretLeakFinding(caller, secret.id, findingId) : null,
  ]);
  const mayRotate = canOnSecret(caller.user.role, 'secrets.rotate', secret.ownerTeamAccess);
  const outsideTeam = can(caller.user.role, 'secrets.rotate') && !mayRotate;
  const active = runs.find((r) => !['completed', 'failed', 'rolled_back', 'cancelled'].includes(r.state)) ?? null;
  // A past run's timeline, asked for by ?run=<id> (the "Timeline" link of its row).
  const chosen = typeof runParam === 'string' ? (runs.find((r) => r.id === runParam && r.id !== active?.id) ?? null) : null;
  const [adoption, activeTimeline, chosenTimeline] = await Promise.all([
    active && (active.state === 'in_grace' || active.state === 'awaiting_revocation') ? getRunAdoption(caller, secret.id, active.id) : null,
    active ? listRunTimeline(caller, secret.id, active.id) : null,
    chosen ? listRunTimeline(caller, secret.id, chosen.id) : null,
  ]);

  return (
    <>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Panel title={active ? 'Rotation in progress' : 'Rotate'}>
            {active ? (
              <ActiveRun run={active} mayRotate={mayRotate} adoption={adoption} timeline={activeTimeline ?? []} />
            ) : mayRotate ? (
              <div className="space-y-3 text-sm text-slate-700">
                <p>
                  {secret.status === 'decommissioned'
                    ? 'This secret is decommissioned.'
                    : `Starts a rotation with the secret's strategy. The new value becomes current and the old one stays valid for the grace period, then is retired.`}
                </p>
                {secret.status !== 'decommissioned' &&
                  (approvals.required ? (
                    <SecretApprovalGate kind="rotation" secret={secret} approvals={approvals}>
                      <StepButton label="Rotate now" pendingLabel="Rotating…" act={startRotationAction.bind(null, secret.id, {})} />
                    </SecretApprovalGate>
                  ) : (
                    <StepButton label="Rotate now" pendingLabel="Rotating…" act={startRotationAction.bind(null, secret.id, {})} />
                  ))}
              </div>
            ) : outsideTeam ? (
              <TeamScopeNote team={secret.ownerTeam.name} what="rotate it or mark it compromised" />
            ) : (
              <p className="text-sm text-slate-600">No rotation is in progress. Engineers and administrators can start one.</p>
            )}
          </Panel>

          {approvals.others.length > 0 && (
            <Panel title="Waiting for approval">
              <PendingApprovals items={approvals.others} decide={decideApprovalAction} />
            </Panel>
          )}

          <HeadedSection id="runs-heading" title="Past rotations">
            {runs.length === 0 ? (
              <EmptyNote>This secret has not been rotated through the dashboard yet.</EmptyNote>
            ) : (
              <Table caption="Rotations of this secret, newest first">
                <TableHead headings={['Started', 'How', 'State', 'New version', 'Finished', { label: <span className="sr-only">Timeline</span> }]} />
                <tbody className="divide-y divide-slate-100">
                  {runs.map((run) => (
                    <Tr key={run.id}>
                      <Td className="whitespace-nowrap">
                        {formatDateTime(run.createdAt)}
                        <span className="block text-xs text-slate-500">{run.requestedByEmail ?? 'Rotation worker'}</span>
                      </Td>
                      <Td>
                        {STRATEGY_LABELS[run.strategy]}
                        <span className="block text-xs text-slate-500">{TRIGGER_LABELS[run.trigger]}</span>
                      </Td>
                      <Td>
                        <Badge tone={STATE_TONES[run.state]}>{STATE_LABELS[run.state]}</Badge>
                        {run.failureMessage && <span className="mt-1 block max-w-80 text-xs text-red-800">{run.failureMessage}</span>}
                      </Td>
                      <Td>{run.newVersionId ? <code className="font-mono text-[13px]">{shortVersion(run.newVersionId)}</code> : '—'}</Td>
                      <Td className="whitespace-nowrap">{run.finishedAt ? formatDateTime(run.finishedAt) : '—'}</Td>
                      <Td className="whitespace-nowrap text-right">
                        {run.id === active?.id ? null : (
                          <Link
                            href={`?run=${run.id}#timeline-heading`}
                            scroll={false}
                            aria-current={chosen?.id === run.id ? 'true' : undefined}
                            aria-label={`Timeline of the rotation started ${formatDateTime(run.createdAt)}`}
                            className="text-accent-700 hover:underline"
                          >
                            Timeline
                          </Link>
                        )}
                      </Td>
                    </Tr>
                  ))}
                </tbody>
              </Table>
            )}
          </HeadedSection>

          {chosen && chosenTimeline && (
            <HeadedSection id="timeline-heading" title={`Timeline of the rotation started ${formatDateTime(chosen.createdAt)}`}>
              <div className="rounded-lg bg-white px-5 py-4 shadow-sm ring-1 ring-slate-200">
                <RunTimeline events={chosenTimeline} label="Events of this rotation, oldest first" />
              </div>
            </HeadedSection>
          )}
        </div>

        <div className="space-y-6">
          <Panel title="Policy">
            <dl className="space-y-3 text-sm">
              <Fact label="Strategy">
                {STRATEGY_LABELS[policy.strategy]}
                {policy.autoRotate && <span className="block text-xs text-slate-500">Rotated automatically when due</span>}
              </Fact>
              <Fact label="Interval">{secret.rotationIntervalDays ? `Every ${secret.rotationIntervalDays} days` : 'No policy'}</Fact>
              <Fact label="Grace period">
                {policy.graceHours} hours{policy.graceIsDefault && <span className="text-xs text-slate-500"> (classification default)</span>}
              </Fact>
              <Fact label="Consumers still on the old value">{STRAGGLER_POLICY_LABELS[policy.stragglerPolicy]}</Fact>
              <Fact label="Last rotated">{secret.lastRotatedAt ? formatDay(secret.lastRotatedAt) : 'Never'}</Fact>
              <Fact label="Next due">{secret.nextDueAt ? formatDay(secret.nextDueAt) : '—'}</Fact>
            </dl>
          </Panel>

          {incidents.length > 0 && (
            <Panel title="Incidents">
              <ul className="space-y-2 text-sm">
                {incidents.map((incident) => (
                  <li key={incident.id}>
                    <Link href={`/inventory/${secret.id}/incidents/${incident.id}`} className="font-medium text-accent-700 hover:underline">
                      {formatDay(incident.openedAt)}: {incident.reason}
                    </Link>{' '}
                    {incident.closedAt ? <Badge>Closed</Badge> : <Badge tone="red">Open</Badge>}
                  </li>
                ))}
              </ul>
            </Panel>
          )}

          {mayRotate && secret.status !== 'decommissioned' && (
            <section aria-labelledby="compromised-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-red-200">
              <h2 id="compromised-heading" className="border-b border-red-100 px-5 py-3 text-sm font-semibold text-red-900">
                Mark compromised
              </h2>
              <div className="space-y-3 px-5 py-4 text-sm text-slate-700">
                <p>Opens an incident, notifies the channels and starts an emergency rotation now.</p>
                {finding && (
                  <div className="rounded-md bg-red-50 px-3 py-2 text-red-900">
                    <p className="font-medium">From a leak-check finding</p>
                    <p className="text-xs">
                      {SEVERITY_LABELS[finding.severity]} in{' '}
                      <Link href={`/leaks/${finding.scanId}`} className="underline">
                        {finding.scanLabel}
                      </Link>
                      : <FindingLocationText where={finding} />. The incident will name it.
                    </p>
                  </div>
                )}
                <MarkCompromisedForm
                  act={markCompromisedAction.bind(null, secret.id)}
                  initialReason={finding ? leakReason(finding) : ''}
                  leakFindingId={finding?.id}
                />
              </div>
            </section>
          )}
        </div>
      </div>
    </>
  );
}

function ActiveRun({
  run,
  mayRotate,
  adoption,
  timeline,
}: {
  run: RotationRunView;
  mayRotate: boolean;
  adoption: RunAdoption | null;
  timeline: TimelineEvent[];
}) {
  return (
    <div className="space-y-4 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={STATE_TONES[run.state]}>{STATE_LABELS[run.state]}</Badge>
        <span className="text-slate-600">
          {STRATEGY_LABELS[run.strategy]} · {TRIGGER_LABELS[run.trigger]} · started {formatDateTime(run.createdAt)}
        </span>
      </p>
      <Steps run={run} />
      {run.failureMessage && run.nextAttemptAt && (
        <p role="status" className="text-amber-900">
          {run.failureMessage} Next try {formatDateTime(run.nextAttemptAt)}.
        </p>
      )}
      {adoption && <ActiveUserLine adoption={adoption} />}
      {run.state === 'in_grace' && !adoption?.heldAt && <GraceNote run={run} adoption={Boolean(adoption)} />}
      {adoption && run.state === 'in_grace' && (
        <HeldBanner
          adoption={adoption}
          action={
            mayRotate ? (
              <StepButton
                variant="danger"
                label="Retire the old value now"
                pendingLabel="Retiring…"
                confirm={`Retire the old value now? ${adoption.stragglers.length ? `${adoption.stragglers.join(', ')} will stop working until they use the new one.` : ''}`.trim()}
                act={retireOldValueNowAction.bind(null, run.id)}
              />
            ) : null
          }
        />
      )}
      {adoption && <ExtendedNote adoption={adoption} />}
      {adoption && run.state === 'in_grace' && <ConsumersPanel adoption={adoption} />}
      {mayRotate && <NextStep run={run} />}
      <details className="group" open={Boolean(adoption)}>
        <summary className="cursor-pointer text-sm font-medium text-accent-700">Timeline</summary>
        <div className="mt-3">
          <RunTimeline events={timeline} label="Events of the rotation in progress, oldest first" />
        </div>
      </details>
    </div>
  );
}

function NextStep({ run }: { run: RotationRunView }) {
  switch (run.state) {
    case 'awaiting_value':
      return (
        <div className="space-y-3">
          <ol className="list-decimal space-y-1 pl-5 text-slate-700">
            <li>Create a new key at the vendor (keep the old one active for now).</li>
            <li>Enter it below: it goes to the provider as the next version.</li>
            <li>Check that it works, then confirm.</li>
          </ol>
          <RunbookValueForm destination="the provider" act={submitRotationValueAction.bind(null, run.id)} />
          <StepButton variant="secondary" label="Cancel rotation" pendingLabel="Cancelling…" act={cancelRotationAction.bind(null, run.id)} />
        </div>
      );
    case 'value_written':
      return run.strategy === 'manual' ? (
        <div className="space-y-2">
          <p>Check that the new key works where it is used (a test call, a deploy to staging), then confirm.</p>
          <div className="flex flex-wrap gap-3">
            <StepButton label="The new key works" pendingLabel="Promoting…" act={confirmRotationWorksAction.bind(null, run.id)} />
            <StepButton variant="secondary" label="Cancel rotation" pendingLabel="Cancelling…" act={cancelRotationAction.bind(null, run.id)} />
          </div>
        </div>
      ) : null;
    case 'in_grace':
      return run.canRollBack ? (
        <StepButton
          variant="secondary"
          label="Roll back to the previous value"
          pendingLabel="Rolling back…"
          confirm="Make the previous value current again and retire the new one?"
          act={rollBackRotationAction.bind(null, run.id)}
        />
      ) : null;
    case 'awaiting_revocation':
      return (
        <div className="space-y-2">
          <p>The grace period is over. Revoke the old key at the vendor, then confirm: your name is recorded.</p>
          <StepButton label="I revoked the old key" pendingLabel="Recording…" act={confirmOldKeyRevokedAction.bind(null, run.id)} />
        </div>
      );
    default:
      return run.canCancel ? (
        <StepButton variant="secondary" label="Cancel rotation" pendingLabel="Cancelling…" act={cancelRotationAction.bind(null, run.id)} />
      ) : null;
  }
}

const STEP_ORDER = ['requested', 'value_written', 'verified', 'in_grace', 'completed'] as const;

function Steps({ run }: { run: RotationRunView }) {
  const reached = STEP_ORDER.indexOf(
    (run.state === 'awaiting_value' ? 'requested' : run.state === 'awaiting_revocation' ? 'in_grace' : run.state) as (typeof STEP_ORDER)[number],
  );
  // A first rotation (no earlier version at the provider) has nothing to retire.
  const labels = ['Started', 'New value written', 'Verified', 'Promoted (grace)', run.previousVersionId ? 'Old version retired' : 'Finished'];
  return (
    <ol className="flex flex-wrap gap-x-2 gap-y-1 text-xs" aria-label="Steps">
      {labels.map((label, i) => (
        <li key={label} className={i <= reached ? 'font-medium text-emerald-800' : 'text-slate-500'}>
          {i <= reached ? '✓ ' : '○ '}
          {label}
          {i < labels.length - 1 && (
            <span aria-hidden className="ml-2 text-slate-300">
              →
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}
