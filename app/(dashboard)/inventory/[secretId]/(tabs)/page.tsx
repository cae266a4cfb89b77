import { appClock } from '@/lib/clock';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime, formatDay, relativeDays } from '@/components/format';
import { NextDue } from '@/components/inventory/due';
import { ExpiryDate } from '@/components/inventory/expiry';
import { CLASSIFICATION_LABELS, EXPIRY_SOURCE_LABELS, FIELD_LABELS, PROVIDER_LABELS, STATUS_LABELS } from '@/components/inventory/labels';
import { ClassificationBadge, StatusBadge } from '@/components/inventory/secret-badges';
import { SecretDriftPanel } from '@/components/drift/secret-drift-panel';
import { PostureChecklist } from '@/components/posture/checklist';
import { DevelopmentOnlyBadge } from '@/components/providers/kind-badge';
import { EmptyNote } from '@/components/ui/empty-state';
import { Panel } from '@/components/ui/panel';
import { Badge, type Tone } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { can, canOnSecret, ROLE_LABELS } from '@/lib/auth/permissions';
import { secretDrift } from '@/lib/data/drift';
import { listSecretLeakFindings } from '@/lib/data/leak-scans';
import { SecretLeakPanel } from '@/components/leaks/secret-leak-panel';
import { secretPosture } from '@/lib/data/posture';
import { listSecretHistory, type SecretHistoryEvent } from '@/lib/data/secret-history';
import type { SecretDetail } from '@/lib/data/secrets';
import { computeNextDue } from '@/lib/validation/secret';
import { suggestedDecommissionReason } from '@/lib/validation/orphans';
import { secretListHref } from '@/lib/validation/secret-list';
import { fixDriftAction } from '../../../discovery/drift/actions';
import { decommissionSecretAction, readExpiryFromProviderAction, setDbAdminCredentialAction } from '../../actions';
import { ReadExpiryButton } from './read-expiry-client';
import { DbAdminCredentialToggle } from './db-admin-credential-client';
import { DecommissionPanel } from './decommission-client';
import { loadSecret, loadSecretTab, type SecretParams } from '../load-secret';

type Props = {
  params: SecretParams;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Pick<Props, 'params'>): Promise<Metadata> {
  return { title: (await loadSecret((await params).secretId)).name };
}

const HISTORY_PAGE = 20;

export default async function SecretPage({ params, searchParams }: Props) {
  const { caller, secret } = await loadSecretTab(params);
  const query = await searchParams;
  const historyParam = query.history;
  const historyAfter = typeof historyParam === 'string' ? historyParam : undefined;
  const [history, posture, drift, leaks] = await Promise.all([
    listSecretHistory(caller, secret.id, { after: historyAfter, limit: HISTORY_PAGE }),
    secretPosture(caller, secret.id),
    secretDrift(caller, secret.id),
    listSecretLeakFindings(caller, secret.id),
  ]);
  // Decommissioning and reading the expiry from the provider: engineers of the owning team, admins.
  const canDecommission = canOnSecret(caller.user.role, 'secrets.write', secret.ownerTeamAccess);
  const here = `/inventory/${secret.id}`;

  return (
    <>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Panel title="Details">
            <DefinitionList>
              <Item label="Description" wide>
                {secret.description ? <p className="whitespace-pre-line">{secret.description}</p> : <None />}
              </Item>
              <Item label="Environment">{secret.environment}</Item>
              <Item label="Owner team">
                <Link className="text-accent-700 hover:underline" href={secretListHref({ owner: secret.ownerTeam.id })}>
                  {secret.ownerTeam.name}
                </Link>
              </Item>
              <Item label="Contact person">{secret.contactPerson || <None />}</Item>
              <Item label="Classification">
                <ClassificationBadge value={secret.classification} />
              </Item>
              <Item label="Status">
                <StatusBadge value={secret.status} />
              </Item>
              <Item label="Added">
                <time dateTime={secret.createdAt}>{formatDateTime(secret.createdAt)}</time>
              </Item>
              <Item label="Last changed">
                <time dateTime={secret.updatedAt}>{formatDateTime(secret.updatedAt)}</time>
              </Item>
            </DefinitionList>
          </Panel>

          <Panel title="Rotation">
            <RotationFacts secret={secret} />
          </Panel>

          <Panel title="Expiry">
            <ExpiryFacts
              secret={secret}
              readFromProvider={
                secret.connection && secret.providerRef && canDecommission ? (
                  <ReadExpiryButton action={readExpiryFromProviderAction.bind(null, secret.id)} />
                ) : null
              }
            />
          </Panel>

          <Panel title="Where it lives">
            <DefinitionList>
              <Item label="Connection">
                {secret.connection ? (
                  <span className="inline-flex flex-wrap items-center gap-2">
                    {can(caller.user.role, 'admin.providers') ? (
                      <Link href={`/settings/providers/${secret.connection.id}`} className="text-accent-700 hover:underline">
                        {secret.connection.name}
                      </Link>
                    ) : (
                      secret.connection.name
                    )}
                    {secret.connection.kind === 'local' && <DevelopmentOnlyBadge />}
                  </span>
                ) : (
                  <None />
                )}
              </Item>
              <Item label="Provider">{PROVIDER_LABELS[secret.providerKind]}</Item>
              <Item label="Reference" wide>
                {secret.providerRef ? <code className="font-mono text-[13px] break-all text-slate-900">{secret.providerRef}</code> : <None />}
              </Item>
              <Item label="Database admin credential" wide>
                {can(caller.user.role, 'admin.providers') ? (
                  <DbAdminCredentialToggle marked={secret.dbAdminCredential} action={setDbAdminCredentialAction.bind(null, secret.id)} />
                ) : secret.dbAdminCredential ? (
                  'Yes: PostgreSQL role rotations of this connection may use it (set by an administrator)'
                ) : (
                  'No (only an administrator can mark a secret as one)'
                )}
              </Item>
            </DefinitionList>
          </Panel>

          <SecretDriftPanel findings={drift} fix={fixDriftAction} />
        </div>

        <div className="space-y-6">
          {leaks && leaks.length > 0 && <SecretLeakPanel secretId={secret.id} findings={leaks} />}

          <Panel title={`Consuming systems (${secret.consumers.length})`}>
            {secret.consumers.length ? (
              <ul className="space-y-1.5 text-sm">
                {secret.consumers.map((system) => (
                  <li key={system.id} className="flex items-center justify-between gap-2">
                    <Link href={`/systems/${system.id}`} className="break-words text-accent-700 hover:underline">
                      {system.name}
                    </Link>
                    {system.status === 'decommissioned' && <Badge>Decommissioned</Badge>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600">No system is recorded as using this secret.</p>
            )}
          </Panel>

          {posture && (
            <Panel title="Posture">
              <PostureChecklist posture={posture} />
            </Panel>
          )}

          <Panel title="Tags">
            {secret.tags.length ? (
              <ul className="flex flex-wrap gap-1.5" aria-label="Tags">
                {secret.tags.map((tag) => (
                  <li key={tag}>
                    <Link
                      href={secretListHref({ tag })}
                      className="inline-flex rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-200"
                    >
                      {tag}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600">No tags.</p>
            )}
          </Panel>

          {canDecommission && (
            <DecommissionPanel
              decommissioned={secret.status === 'decommissioned'}
              action={decommissionSecretAction.bind(null, secret.id)}
              suggestedReason={suggestedDecommissionReason(query)}
            />
          )}
        </div>
      </div>

      <History
        events={history.items}
        nextHref={history.nextCursor ? `${here}?history=${history.nextCursor}#history` : null}
        firstHref={historyAfter ? `${here}#history` : null}
      />
    </>
  );
}

function DefinitionList({ children }: { children: React.ReactNode }) {
  return <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">{children}</dl>;
}

function Item({ label, wide, children }: { label: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className={wide ? 'sm:col-span-2' : undefined}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 break-words text-slate-900">{children}</dd>
    </div>
  );
}

function None({ text = 'Not set' }: { text?: string }) {
  return <span className="text-slate-500">{text}</span>;
}

function RotationFacts({ secret }: { secret: SecretDetail }) {
  // Whether the credential's expiry (less the reminder lead) set the date, not the schedule.
  const scheduled = computeNextDue({
    lastRotatedAt: secret.lastRotatedAt ? new Date(secret.lastRotatedAt) : null,
    intervalDays: secret.rotationIntervalDays,
    createdAt: new Date(secret.createdAt),
  });
  const setByExpiry = Boolean(secret.expiresAt && secret.nextDueAt && (!scheduled || new Date(secret.nextDueAt) < scheduled));
  return (
    <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-3">
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Last rotated</dt>
        <dd className="mt-1 text-slate-900">
          {secret.lastRotatedAt ? (
            <>
              <time dateTime={secret.lastRotatedAt}>{formatDay(secret.lastRotatedAt)}</time>{' '}
              <span className="text-xs text-slate-500">{relativeDays(secret.lastRotatedAt)}</span>
            </>
          ) : (
            <None text="Never" />
          )}
        </dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Interval</dt>
        <dd className="mt-1 text-slate-900">{secret.rotationIntervalDays ? `Every ${secret.rotationIntervalDays} days` : <None text="No policy" />}</dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Next due</dt>
        <dd className="mt-1">
          <NextDue nextDueAt={secret.nextDueAt} now={appClock().now().getTime()} stacked />
          {setByExpiry && <span className="block text-xs text-slate-500">its reminder lead before the credential expires</span>}
        </dd>
      </div>
    </dl>
  );
}

function ExpiryFacts({ secret, readFromProvider }: { secret: SecretDetail; readFromProvider: React.ReactNode }) {
  return (
    <div className="space-y-4">
      <DefinitionList>
        <Item label="Expires">
          {secret.expiresAt ? <ExpiryDate expiresAt={secret.expiresAt} now={appClock().now().getTime()} /> : <None text="No expiry recorded" />}
        </Item>
        <Item label="Expiry from">{secret.expirySource ? EXPIRY_SOURCE_LABELS[secret.expirySource] : <None />}</Item>
        {secret.certificateSubject && (
          <Item label="Certificate subject" wide>
            <code className="font-mono text-[13px] break-all">{secret.certificateSubject}</code>
          </Item>
        )}
        {secret.certificateIssuer && (
          <Item label="Certificate issuer" wide>
            <code className="font-mono text-[13px] break-all">{secret.certificateIssuer}</code>
          </Item>
        )}
      </DefinitionList>
      {readFromProvider}
    </div>
  );
}

const OUTCOME_TONES: Record<SecretHistoryEvent['outcome'], Tone> = { success: 'green', denied: 'red', failed: 'amber' };
const OUTCOME_LABELS: Record<SecretHistoryEvent['outcome'], string> = { success: 'Success', denied: 'Denied', failed: 'Failed' };

function History({ events, nextHref, firstHref }: { events: SecretHistoryEvent[]; nextHref: string | null; firstHref: string | null }) {
  return (
    <section id="history" aria-labelledby="history-heading" className="mt-8">
      <div className="mb-3 flex items-end justify-between gap-4">
        <div>
          <h2 id="history-heading" className="text-lg font-semibold text-slate-900">
            History
          </h2>
          <p className="text-sm text-slate-600">Every change and refused attempt on this secret, newest first.</p>
        </div>
      </div>
      {events.length === 0 ? (
        <EmptyNote>{firstHref ? 'No older events.' : 'Nothing has been recorded for this secret yet.'}</EmptyNote>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          {events.map((event) => (
            <li key={event.id} className="grid gap-x-6 gap-y-2 px-5 py-4 text-sm md:grid-cols-[13rem_1fr]">
              <div className="space-y-1">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-900">{event.label}</span>
                  <Badge tone={OUTCOME_TONES[event.outcome]}>{OUTCOME_LABELS[event.outcome]}</Badge>
                </p>
                <p className="text-xs text-slate-500">
                  <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
                </p>
                <p className="text-xs text-slate-600">
                  <span className="wrap-anywhere">{event.actor.email ?? 'Signed-out visitor'}</span>
                  {event.actor.role && <span className="block text-slate-500">{ROLE_LABELS[event.actor.role]}</span>}
                </p>
              </div>
              <div className="min-w-0">
                {event.note && (
                  <p className="mb-2 text-slate-700">
                    <span className="text-slate-500">{event.outcome === 'denied' ? 'Why: ' : event.action === 'secret.decommission' ? 'Reason: ' : ''}</span>
                    {event.note}
                  </p>
                )}
                {event.changes.length > 0 ? (
                  <Changes changes={event.changes} created={event.action === 'secret.create'} />
                ) : (
                  // A save that changed nothing; other events without changes say what they did in their label and note.
                  !event.note && event.action === 'secret.update' && <p className="text-slate-500">No field changes.</p>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      {(nextHref || firstHref) && (
        <nav aria-label="History pages" className="mt-3 flex justify-end gap-2">
          {firstHref && <LinkButton href={firstHref}>Newest events</LinkButton>}
          {nextHref && <LinkButton href={nextHref}>Older events</LinkButton>}
        </nav>
      )}
    </section>
  );
}

// Fields in the order the form shows them; the stored JSON keeps no meaningful order.
const FIELD_ORDER = Object.keys(FIELD_LABELS);
const fieldRank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);

function Changes({ changes, created }: { changes: SecretHistoryEvent['changes']; created: boolean }) {
  const ordered = [...changes].sort((a, b) => fieldRank(a.field) - fieldRank(b.field));
  return (
    <dl className="grid gap-x-4 gap-y-1.5 sm:grid-cols-[11rem_1fr]">
      {ordered.map((change) => (
        <div key={change.field} className="contents">
          <dt className="text-slate-500">{FIELD_LABELS[change.field] ?? change.field}</dt>
          <dd className="min-w-0 break-words text-slate-900">
            {created ? (
              <Value field={change.field} value={change.after} />
            ) : (
              <>
                <span className="text-slate-500 line-through decoration-slate-400">
                  <Value field={change.field} value={change.before} />
                </span>
                <span aria-hidden className="mx-1.5 text-slate-400">
                  →
                </span>
                <span className="sr-only"> changed to </span>
                <Value field={change.field} value={change.after} />
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Value({ field, value }: { field: string; value: string | null }) {
  if (value === null || value === '') return <span className="italic text-slate-500">empty</span>;
  const labels: Record<string, Record<string, string>> = {
    classification: CLASSIFICATION_LABELS,
    status: STATUS_LABELS,
    providerKind: PROVIDER_LABELS,
    expirySource: EXPIRY_SOURCE_LABELS,
  };
  return <>{labels[field]?.[value] ?? value}</>;
}
