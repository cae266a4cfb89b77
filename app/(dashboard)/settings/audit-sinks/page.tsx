import type { Metadata } from 'next';
import { SINK_KIND_LABELS, STREAM_NOTE, describeLag } from '@/components/audit-sinks/labels';
import { SinkActions } from '@/components/audit-sinks/sink-actions';
import { formatDateTime } from '@/components/format';
import { SigningKey } from '@/components/notifications/signing-key';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Fact } from '@/components/ui/record-facts';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { type AuditSinkListItem, listSinks } from '@/lib/data/audit-sinks';
import { deleteSinkAction, pauseSinkAction, resumeSinkAction, sendSinkTestAction } from './actions';

export const metadata: Metadata = { title: 'Audit streaming' };

function State({ sink }: { sink: AuditSinkListItem }) {
  if (!sink.enabled) return <Badge>Paused</Badge>;
  if (sink.lastError) return <Badge tone="red">Failing</Badge>;
  if (sink.lagEvents > 0) return <Badge tone="amber">Catching up</Badge>;
  return <Badge tone="green">Up to date</Badge>;
}

function SinkCard({ sink }: { sink: AuditSinkListItem }) {
  return (
    <Card>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="text-base font-semibold text-slate-900">{sink.name}</h2>
            <State sink={sink} />
            {sink.allowPlaintext && <Badge tone="amber">Unencrypted</Badge>}
          </div>
          <dl className="grid gap-4 text-sm sm:grid-cols-2">
            <Fact term="Kind">
              <dd className="text-slate-900">{SINK_KIND_LABELS[sink.kind]}</dd>
            </Fact>
            <Fact term="Endpoint">
              <dd className="break-all font-mono text-xs text-slate-900">{sink.endpoint}</dd>
              {(sink.serverName || sink.caFingerprint) && (
                <dd className="text-xs text-slate-600">
                  {sink.serverName && `TLS name ${sink.serverName}`}
                  {sink.serverName && sink.caFingerprint && ' · '}
                  {sink.caFingerprint && `private CA sha256:${sink.caFingerprint}`}
                </dd>
              )}
            </Fact>
            <Fact term="Delivered through">
              <dd className="text-slate-900">
                seq {sink.ackedSeq}
                {sink.startSeq !== '0' && <span className="text-slate-600"> (started after seq {sink.startSeq})</span>}
              </dd>
            </Fact>
            <Fact term="Lag">
              <dd className="text-slate-900" data-testid="sink-lag">
                {describeLag(sink.lagEvents, sink.lagSeconds)}
              </dd>
            </Fact>
            <Fact term="Last success">
              <dd className="text-slate-900">{sink.lastSuccessAt ? formatDateTime(sink.lastSuccessAt) : 'None yet'}</dd>
            </Fact>
            <Fact term="Last error">
              {sink.lastError ? (
                <dd className="text-red-800" data-testid="sink-error">
                  {sink.lastError}
                  <span className="block text-xs text-slate-600">
                    {sink.consecutiveFailures} {sink.consecutiveFailures === 1 ? 'attempt' : 'attempts'} in a row
                    {sink.lastAttemptAt && `, last ${formatDateTime(sink.lastAttemptAt)}`}
                  </span>
                </dd>
              ) : (
                <dd className="text-slate-900">None</dd>
              )}
            </Fact>
          </dl>
          {sink.signingKey && (
            <details className="text-sm">
              <summary className="cursor-pointer font-medium text-accent-700">Signing key for this webhook</summary>
              <div className="mt-3">
                <SigningKey signingKey={sink.signingKey} owner="sink" />
              </div>
            </details>
          )}
        </div>
        <SinkActions
          editHref={`/settings/audit-sinks/${sink.id}/edit`}
          name={sink.name}
          enabled={sink.enabled}
          test={sendSinkTestAction.bind(null, sink.id)}
          toggle={(sink.enabled ? pauseSinkAction : resumeSinkAction).bind(null, sink.id)}
          remove={deleteSinkAction.bind(null, sink.id)}
        />
      </div>
    </Card>
  );
}

export default async function AuditSinksPage() {
  const caller = await requireSignedIn();
  const header = (actions?: React.ReactNode) => (
    <PageHeader title="Audit streaming" description="Send the audit trail, as it is recorded, to the SIEM you already run." actions={actions} />
  );
  if (!can(caller.user.role, 'admin.audit_sinks')) {
    return (
      <>
        {header()}
        <Alert>Only administrators can manage audit sinks.</Alert>
      </>
    );
  }
  const sinks = await listSinks(caller);
  const newButton = (
    <LinkButton href="/settings/audit-sinks/new" variant="primary">
      Add sink
    </LinkButton>
  );
  return (
    <>
      {header(newButton)}
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{STREAM_NOTE}</p>
      {sinks.length === 0 ? (
        <EmptyState title="No sinks yet" action={newButton}>
          <p>Add a syslog receiver (RFC 5424 over TLS), an OpenTelemetry collector (OTLP/HTTP) or a webhook.</p>
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {sinks.map((sink) => (
            <SinkCard key={sink.id} sink={sink} />
          ))}
        </div>
      )}
    </>
  );
}
