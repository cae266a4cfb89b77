// One incident: what happened, the emergency rotation's progress, and the checklist
// (revoke, replace, redeploy, review access, notify, write up) checked off step by step.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDateTime } from '@/components/format';
import { STATE_LABELS, STATE_TONES } from '@/components/rotation/labels';
import { IncidentStepForm, StepButton } from '@/components/rotation/run-actions';
import { Badge } from '@/components/ui/badge';
import { FindingLocationText, FindingPreview, SeverityBadge } from '@/components/leaks/finding-parts';
import { shortVersion } from '@/components/values/short-version';
import { PageHeader } from '@/components/ui/page-header';
import { canOnSecret } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { isUuid } from '@/lib/validation/ids';
import { getIncident } from '@/lib/data/incidents';
import { NotFoundError } from '@/lib/errors';
import type { RotationState } from '@/generated/prisma/enums';
import { loadSecret } from '../../load-secret';
import { checkIncidentStepAction, closeIncidentAction } from '../../(tabs)/rotation/actions';

type Props = { params: Promise<{ secretId: string; incidentId: string }> };

export const metadata: Metadata = { title: 'Incident' };

export default async function IncidentPage({ params }: Props) {
  const { secretId, incidentId } = await params;
  if (!isUuid(secretId) || !isUuid(incidentId)) notFound();
  const caller = await requireSignedIn();
  const incident = await getIncident(caller, incidentId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  if (incident.secretId !== secretId) notFound();
  const { ownerTeamAccess } = await loadSecret(secretId);
  const mayAct = canOnSecret(caller.user.role, 'secrets.rotate', ownerTeamAccess) && !incident.closedAt;
  const done = incident.steps.filter((s) => s.checkedAt).length;

  return (
    <>
      <Link href={`/inventory/${secretId}/rotation`} className="mb-2 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← {incident.secretName} ({incident.environment})
      </Link>
      <PageHeader
        title="Incident: secret compromised"
        description={
          <span className="flex flex-wrap items-center gap-2">
            {incident.closedAt ? <Badge>Closed {formatDateTime(incident.closedAt)}</Badge> : <Badge tone="red">Open</Badge>}
            <span>
              Opened {formatDateTime(incident.openedAt)} by {incident.openedByEmail ?? 'unknown'}
            </span>
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="checklist-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200 lg:col-span-2">
          <h2 id="checklist-heading" className="flex items-center justify-between border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
            Emergency checklist
            <span className="text-xs font-normal text-slate-600">
              {done} of {incident.steps.length} done
            </span>
          </h2>
          <ol className="divide-y divide-slate-100">
            {incident.steps.map((step, i) => (
              <li key={step.step} className="grid gap-2 px-5 py-4 text-sm sm:grid-cols-[1fr_auto]">
                <div>
                  <p className="font-medium text-slate-900">
                    <span aria-hidden className={step.checkedAt ? 'text-emerald-700' : 'text-slate-500'}>
                      {step.checkedAt ? '✓' : `${i + 1}.`}
                    </span>{' '}
                    {step.label}
                    {step.checkedAt && <span className="sr-only"> (done)</span>}
                  </p>
                  <p className="text-slate-600">{step.hint}</p>
                  {step.checkedAt && (
                    <p className="mt-1 text-xs text-slate-600">
                      Done {formatDateTime(step.checkedAt)} by {step.checkedByEmail}
                      {step.note && <>: {step.note}</>}
                    </p>
                  )}
                </div>
                {!step.checkedAt && mayAct && (
                  <div className="sm:w-80">
                    <IncidentStepForm act={checkIncidentStepAction.bind(null, incident.id, step.step)} />
                  </div>
                )}
              </li>
            ))}
          </ol>
          {mayAct && done === incident.steps.length && (
            <div className="border-t border-slate-200 px-5 py-4">
              <StepButton label="Close the incident" pendingLabel="Closing…" act={closeIncidentAction.bind(null, incident.id)} />
            </div>
          )}
        </section>

        <aside className="space-y-6">
          <section className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <h2 className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">What happened</h2>
            <p className="whitespace-pre-line px-5 py-4 text-sm text-slate-800">{incident.reason}</p>
          </section>
          {incident.leakFinding && (
            <section aria-labelledby="finding-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
              <h2 id="finding-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
                Leak-check finding
              </h2>
              <div className="space-y-2 px-5 py-4 text-sm text-slate-800">
                <p className="flex flex-wrap items-center gap-2">
                  <SeverityBadge severity={incident.leakFinding.severity} />
                  {incident.leakFinding.providerVersionId && (
                    <span className="text-xs text-slate-600">
                      version <code className="font-mono">{shortVersion(incident.leakFinding.providerVersionId)}</code>
                    </span>
                  )}
                </p>
                {incident.leakFinding.where ? (
                  <>
                    <p>
                      Found at <FindingLocationText where={incident.leakFinding.where} />
                    </p>
                    <p>
                      <FindingPreview preview={incident.leakFinding.where.preview} />
                    </p>
                  </>
                ) : (
                  <p className="text-slate-600">Where it was found is shown to the owning team, administrators and auditors.</p>
                )}
                <p>
                  <Link href={`/leaks/${incident.leakFinding.scanId}`} className="font-medium text-accent-700 hover:underline">
                    Open the leak check
                  </Link>
                </p>
              </div>
            </section>
          )}
          <section className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <h2 className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">Emergency rotation</h2>
            <div className="space-y-2 px-5 py-4 text-sm">
              {incident.rotationState ? (
                <>
                  <Badge tone={STATE_TONES[incident.rotationState as RotationState]}>{STATE_LABELS[incident.rotationState as RotationState]}</Badge>
                  {incident.rotationFailure && <p className="text-red-800">{incident.rotationFailure}</p>}
                  <p>
                    <Link href={`/inventory/${secretId}/rotation`} className="font-medium text-accent-700 hover:underline">
                      Follow it on the Rotation tab
                    </Link>
                  </p>
                </>
              ) : (
                <p className="text-slate-700">No rotation could start. Connect the secret to a provider, then rotate it from its Rotation tab.</p>
              )}
            </div>
          </section>
        </aside>
      </div>
    </>
  );
}
