// The Secrets Management tab: write a new value (entered or generated) to the secret's
// provider, and see and manage the provider's versions. The page never receives a value.
import type { Metadata } from 'next';
import Link from 'next/link';
import { randomUUID } from 'node:crypto';
import { DevelopmentOnlyBadge } from '@/components/providers/kind-badge';
import { CONNECTION_KIND_LABELS } from '@/components/providers/labels';
import { PendingApprovals } from '@/components/approvals/approval-gate';
import { ValueForm } from '@/components/values/value-form';
import { VersionTable } from '@/components/values/version-table';
import { TeamScopeNote } from '@/components/inventory/team-scope-note';
import { can, canOnSecret } from '@/lib/auth/permissions';
import { listSecretApprovals } from '@/lib/data/approvals';
import { getValueTarget, listSecretVersions } from '@/lib/data/secret-values';
import { decideApprovalAction } from '../../approval-actions';
import { SecretApprovalGate } from '../../secret-approval-gate';
import { changeSecretVersionAction, writeSecretValueAction } from './actions';
import { loadSecretTab, type SecretParams } from '../../load-secret';

export const metadata: Metadata = { title: 'Secrets Management' };

export default async function ManageSecretPage({ params }: { params: SecretParams }) {
  const { caller, secret } = await loadSecretTab(params);
  const target = await getValueTarget(caller, secret.id);
  const [versions, approvals] = await Promise.all([listSecretVersions(caller, secret.id), listSecretApprovals(caller, secret.id)]);
  const mayWrite = canOnSecret(caller.user.role, 'secrets.value.write', secret.ownerTeamAccess);
  const outsideTeam = can(caller.user.role, 'secrets.value.write') && !mayWrite;
  const mayEdit = can(caller.user.role, 'secrets.write');
  const connection = target.connection;
  // Without a connection and a reference there is nothing to write to and no versions to
  // list: the page says so once, with the way to connect it, instead of an empty table.
  const connected = Boolean(connection && target.providerRef);
  const providerName = connection ? CONNECTION_KIND_LABELS[connection.kind] : '';

  return (
    <>
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="write-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200 lg:col-span-2">
          <h2 id="write-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
            Write a new value
          </h2>
          <div className="px-5 py-4">
            {!connected ? (
              <p className="text-sm text-slate-700">
                This secret is not connected to a provider yet, so it has no values or versions to manage here.{' '}
                {mayEdit ? (
                  <>
                    <Link href={`/inventory/${secret.id}/edit`} className="font-medium text-accent-700 underline">
                      Connect it to a provider
                    </Link>{' '}
                    by choosing a connection and a reference.
                  </>
                ) : (
                  'An engineer or an administrator can connect it by choosing a connection and a reference.'
                )}
              </p>
            ) : !target.writable ? (
              <p className="text-sm text-slate-700">This secret is decommissioned: it takes no new values.</p>
            ) : mayWrite && approvals.required ? (
              <SecretApprovalGate kind="value_write" secret={secret} approvals={approvals}>
                <ValueForm providerName={providerName} initialToken={randomUUID()} write={writeSecretValueAction.bind(null, secret.id)} />
              </SecretApprovalGate>
            ) : mayWrite ? (
              <ValueForm providerName={providerName} initialToken={randomUUID()} write={writeSecretValueAction.bind(null, secret.id)} />
            ) : outsideTeam ? (
              <TeamScopeNote team={secret.ownerTeam.name} what="write its values and change its versions" />
            ) : (
              <p className="text-sm text-slate-700">Only engineers and administrators can write values. You can see the versions below.</p>
            )}
          </div>
        </section>

        <aside aria-labelledby="where-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <h2 id="where-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
            Where the value goes
          </h2>
          <div className="space-y-3 px-5 py-4 text-sm">
            <dl className="space-y-3">
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Connection</dt>
                <dd className="mt-1 text-slate-900">
                  {connection ? (
                    <span className="flex flex-wrap items-center gap-2">
                      {connection.name}
                      {connection.kind === 'local' && <DevelopmentOnlyBadge />}
                    </span>
                  ) : (
                    <span className="text-slate-500">None</span>
                  )}
                </dd>
              </div>
              {connection && (
                <div>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Provider</dt>
                  <dd className="mt-1 text-slate-900">
                    {CONNECTION_KIND_LABELS[connection.kind]}
                    {connection.kind !== 'local' && <span className="block text-xs text-slate-500">{connection.where}</span>}
                  </dd>
                </div>
              )}
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Reference</dt>
                <dd className="mt-1 break-all font-mono text-[13px] text-slate-900">{target.providerRef || '—'}</dd>
              </div>
            </dl>
            <p className="text-xs text-slate-600">
              Values go straight to the provider. This dashboard keeps the version id, who wrote it and when, never the value.
            </p>
          </div>
        </aside>

        {approvals.others.length > 0 && (
          <section aria-labelledby="approvals-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200 lg:col-span-2">
            <h2 id="approvals-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
              Waiting for approval
            </h2>
            <div className="px-5 py-4">
              <PendingApprovals items={approvals.others} decide={decideApprovalAction} />
            </div>
          </section>
        )}
      </div>

      {connected && (
        <section aria-labelledby="versions-heading" className="mt-8">
          <h2 id="versions-heading" className="mb-1 text-lg font-semibold text-slate-900">
            Versions
          </h2>
          {target.confirmingSince && (
            <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
              A write or version change of this secret is still being confirmed with the provider. It shows here once recorded, usually within seconds; reload
              the page to check.
            </p>
          )}
          <p className="mb-3 text-sm text-slate-600">
            {versions.provider === 'aws'
              ? 'AWS moves the AWSCURRENT label to each new value and AWSPREVIOUS to the one before.'
              : 'The newest enabled version is current. Disable old versions once nothing reads them.'}
          </p>
          <VersionTable list={versions} act={mayWrite && target.writable ? changeSecretVersionAction.bind(null, secret.id) : null} />
        </section>
      )}
    </>
  );
}
