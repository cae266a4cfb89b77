import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { formatDateTime } from '@/components/format';
import { ConnectionForm } from '@/components/providers/connection-form';
import { ConfirmDelete } from '@/components/forms/confirm-delete';
import { FailingJobs } from '@/components/providers/failing-jobs';
import { ConnectionKindBadge } from '@/components/providers/kind-badge';
import { CONNECTION_KIND_LABELS } from '@/components/providers/labels';
import { RefreshWhileRunning, ScanIntervalForm } from '@/components/providers/discovery-controls';
import { RefreshingActionButton } from '@/components/ui/refreshing-action-button';
import { ScanHistory } from '@/components/providers/scan-history';
import { TestConnection } from '@/components/providers/test-connection';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { RecordHeader } from '@/components/ui/record-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { discoverySettings, listScans } from '@/lib/data/discovery-scans';
import { backfillSettings } from '@/lib/data/fingerprint-backfill';
import { getConnection } from '@/lib/data/provider-connections';
import { deleteConnectionAction, testConnectionAction, updateConnectionAction } from '../actions';
import { setFingerprintBackfillAction, setScanIntervalAction, startFingerprintBackfillAction, startScanAction } from './actions';

type Props = { params: Promise<{ connectionId: string }>; searchParams: Promise<{ scans?: string | string[] }> };

// One read per request for the page and its title; null for a role that may not manage connections.
const load = cache(async (connectionId: string) => {
  const caller = await requireSignedIn();
  if (!can(caller.user.role, 'admin.providers')) return null;
  return loadOrNotFound(connectionId, (id) => getConnection(caller, id));
});

const CONNECTIONS_BACK = { href: '/settings/providers', label: 'Provider connections' };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const connection = await load((await params).connectionId);
  return { title: connection ? connection.name : 'Provider connection' };
}

export default async function ConnectionPage({ params, searchParams }: Props) {
  const connection = await load((await params).connectionId);
  if (!connection) {
    return (
      <>
        <RecordHeader back={CONNECTIONS_BACK} title="Provider connection" />
        <Alert>Only administrators can manage provider connections.</Alert>
      </>
    );
  }
  return (
    <>
      <RecordHeader back={CONNECTIONS_BACK} title={connection.name}>
        {CONNECTION_KIND_LABELS[connection.kind]} <ConnectionKindBadge kind={connection.kind} />
      </RecordHeader>
      {connection.failingJobs.length > 0 && (
        <div className="mb-6">
          <FailingJobs failures={connection.failingJobs} />
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Settings" className="lg:col-span-2">
          <ConnectionForm connection={connection} action={updateConnectionAction.bind(null, connection.id)} cancelHref="/settings/providers" />
        </Card>
        <div className="space-y-6">
          <Card title="Test connection">
            <p className="mb-3 text-sm text-slate-600">
              Makes one read-only call with the dashboard&apos;s own cloud identity to check that the provider is reachable and lets it list secrets. Saved
              settings are tested, not unsaved edits.
            </p>
            <TestConnection action={testConnectionAction.bind(null, connection.id)} />
          </Card>
          <Card title="Delete">
            <ConfirmDelete
              name={connection.name}
              noun="connection"
              listHref="/settings/providers"
              explanation={
                connection.secretCount === 0
                  ? 'No secret uses this connection.'
                  : connection.secretCount === 1
                    ? '1 secret uses this connection; it can be deleted once that secret points elsewhere.'
                    : `${connection.secretCount.toLocaleString('en-US')} secrets use this connection; it can be deleted once they point elsewhere.`
              }
              action={deleteConnectionAction.bind(null, connection.id)}
            />
          </Card>
          <p className="px-1 text-xs text-slate-500">
            Created {formatDateTime(connection.createdAt)} · last changed {formatDateTime(connection.updatedAt)}
          </p>
        </div>
      </div>
      <Discovery connectionId={connection.id} cursor={(await searchParams).scans} />
      <FingerprintBackfill connectionId={connection.id} />
    </>
  );
}

/** Scans of the provider for secrets the inventory does not hold: start one, schedule them, their history. */
async function Discovery({ connectionId, cursor }: { connectionId: string; cursor: string | string[] | undefined }) {
  const caller = await requireSignedIn();
  const scansCursor = typeof cursor === 'string' ? cursor : undefined;
  const [settings, scans] = await Promise.all([discoverySettings(caller, connectionId), listScans(caller, connectionId, scansCursor)]);
  const running = settings.latest?.status === 'running' ? settings.latest : null;
  const here = `/settings/providers/${connectionId}`;
  return (
    <Card title="Discovery" className="mt-6">
      {!settings.scannable ? (
        <p className="text-sm text-slate-600">Local development connections are not scanned: their secrets are the dashboard&apos;s own.</p>
      ) : (
        <div className="space-y-6">
          <p className="max-w-3xl text-sm text-slate-600">
            A scan lists every secret this connection&apos;s provider holds (names, labels, rotation settings and version metadata; never a value), so secrets
            nobody manages here yet show up as unmanaged.
          </p>
          <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <Link href={`/discovery?connection=${connectionId}`} className="font-medium text-accent-700 hover:underline">
              Unmanaged secrets of this connection
            </Link>
            <Link href={`/discovery/drift?connection=${connectionId}`} className="font-medium text-accent-700 hover:underline">
              Drift of this connection
            </Link>
          </p>
          <div className="grid gap-6 md:grid-cols-2">
            <div className="space-y-2">
              <RefreshingActionButton
                action={startScanAction.bind(null, connectionId)}
                variant="primary"
                label={running ? 'Scan running…' : 'Scan now'}
                pendingLabel="Starting…"
                disabled={running !== null}
              />
              {running && (
                <p role="status" className="text-sm text-slate-700">
                  Scan running since {formatDateTime(running.startedAt)}: {running.pages.toLocaleString('en-US')} {running.pages === 1 ? 'page' : 'pages'},{' '}
                  {running.seen.toLocaleString('en-US')} secrets so far.
                </p>
              )}
              {running && <RefreshWhileRunning />}
            </div>
            <ScanIntervalForm action={setScanIntervalAction.bind(null, connectionId)} hours={settings.scanIntervalHours} />
          </div>
          <div>
            <h3 className="mb-3 text-sm font-semibold text-slate-800">Scan history</h3>
            <ScanHistory scans={scans.items} />
            {(scansCursor || scans.nextCursor) && (
              <Pager
                labels={['Newest scans', 'Older scans']}
                firstHref={scansCursor ? here : undefined}
                nextHref={scans.nextCursor ? `${here}?scans=${encodeURIComponent(scans.nextCursor)}` : undefined}
              />
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The leak check's coverage of values written outside the dashboard: on/off, run now, the last run. */
async function FingerprintBackfill({ connectionId }: { connectionId: string }) {
  const caller = await requireSignedIn();
  const settings = await backfillSettings(caller, connectionId);
  const last = settings.lastRun;
  return (
    <Card title="Fingerprint backfill for leak checks" className="mt-6">
      <div className="space-y-4">
        <p className="max-w-3xl text-sm text-slate-600">
          Reads each current and previous version of this connection&apos;s inventory secrets once through the provider and keeps only a keyed fingerprint
          (never the value), so a leak check also recognises values written outside this dashboard. Runs daily while on; off by default.
        </p>
        <p className="text-sm" data-testid="backfill-state">
          <span className="font-medium">{settings.enabled ? 'On' : 'Off'}</span>
          {' · '}
          {count(settings.recorded, 'fingerprint', 'fingerprints')} recorded for this connection
        </p>
        <div className="flex flex-wrap gap-3">
          <RefreshingActionButton
            action={setFingerprintBackfillAction.bind(null, connectionId, !settings.enabled)}
            variant={settings.enabled ? 'secondary' : 'primary'}
            label={settings.enabled ? 'Turn backfill off' : 'Turn backfill on'}
            pendingLabel="Saving…"
          />
          <RefreshingActionButton
            action={startFingerprintBackfillAction.bind(null, connectionId)}
            label="Run now"
            pendingLabel="Starting…"
            disabled={!settings.enabled}
          />
        </div>
        <p className="text-sm text-slate-700" data-testid="backfill-last-run">
          {last ? (
            <>
              Last run {formatDateTime(last.at)}
              {last.outcome === 'failed' ? ' (failed for some secrets)' : ''}: {count(last.counts.secrets, 'secret', 'secrets')},{' '}
              {count(last.counts.versionsRead, 'version read', 'versions read')}, {count(last.counts.fingerprintsRecorded, 'fingerprint', 'fingerprints')}{' '}
              recorded, {count(last.counts.refingerprinted, 'version', 'versions')} re-fingerprinted, {count(last.counts.failures, 'failure', 'failures')}.
            </>
          ) : (
            'Not run yet.'
          )}
        </p>
      </div>
    </Card>
  );
}
