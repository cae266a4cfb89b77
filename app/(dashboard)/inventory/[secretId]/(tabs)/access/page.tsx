// A secret's Access tab: who really reads it, from the provider's own logs (CloudTrail,
// Cloud Audit Logs), set against the systems the inventory says consume it. Everyone who
// may read the secret sees the per-principal summary; auditors and admins also see the
// raw events (source IPs, user agents) and export the secret's whole access history.
import type { Metadata } from 'next';
import { ExportButtons } from '@/components/audit/export-buttons';
import { accessExportLinks } from '@/components/audit/export-links';
import { formatDateTime } from '@/components/format';
import { EmptyNote } from '@/components/ui/empty-state';
import { HeadedSection, Panel } from '@/components/ui/panel';
import { Badge } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { getSecretAccessSummary, listSecretAccessEvents, type AccessCoverage } from '@/lib/data/access-history';
import { loadSecretTab, type SecretParams } from '../../load-secret';

export const metadata: Metadata = { title: 'Access' };

const iso = (d: Date) => d.toISOString();

export default async function SecretAccessPage({ params }: { params: SecretParams }) {
  const { caller, secret } = await loadSecretTab(params);
  const summary = await getSecretAccessSummary(caller, secret.id);
  const mayAudit = can(caller.user.role, 'audit.read');
  const events = mayAudit ? await listSecretAccessEvents(caller, secret.id, { limit: 50 }) : null;
  const mayExport = can(caller.user.role, 'audit.export');

  return (
    <>
      <div className="space-y-6">
        <CoverageNotice coverage={summary.coverage} />
        <HeadedSection id="readers-heading" title={`Readers in the last ${summary.windowDays} days`}>
          {summary.readers.length === 0 ? (
            <EmptyNote>No reads recorded.</EmptyNote>
          ) : (
            <Table caption="Principals that read this secret, most reads first">
              <TableHead
                headings={[
                  'Principal',
                  'System',
                  { label: 'Reads', className: 'text-right' },
                  { label: 'Denied / failed', className: 'text-right' },
                  'First read',
                  'Last read',
                ]}
              />
              <tbody>
                {summary.readers.map((r) => (
                  <Tr key={r.principal}>
                    <Td>
                      <code className="break-all font-mono text-[13px]">{r.principal || '(not named in the log)'}</code>
                      {r.principalType && <span className="ml-2 text-xs text-slate-500">{r.principalType}</span>}
                    </Td>
                    <Td>{r.systems.length ? r.systems.join(', ') : <Badge tone="amber">Undeclared</Badge>}</Td>
                    <Td className="text-right tabular-nums">{r.reads}</Td>
                    <Td className="text-right tabular-nums">{r.failures}</Td>
                    <Td className="whitespace-nowrap">{formatDateTime(iso(r.firstReadAt))}</Td>
                    <Td className="whitespace-nowrap">{formatDateTime(iso(r.lastReadAt))}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          )}
        </HeadedSection>

        <div className="grid gap-6 lg:grid-cols-2">
          <Panel title="Undeclared readers">
            {summary.undeclaredReaders.length === 0 ? (
              <p className="text-sm text-slate-600">Every principal that read this secret belongs to a declared consuming system.</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {summary.undeclaredReaders.map((r) => (
                  <li key={r.principal}>
                    <code className="break-all font-mono text-[13px]">{r.principal}</code> · {r.reads} {r.reads === 1 ? 'read' : 'reads'}
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-3 text-xs text-slate-500">
              A principal belongs to a system when it is listed in the system&apos;s principals, or, for systems that list none, when its role, user or
              service-account name equals the system&apos;s name.
            </p>
          </Panel>
          <Panel title="Declared systems that never read it">
            {summary.silentSystems.length === 0 ? (
              <p className="text-sm text-slate-600">Every declared consuming system read this secret in the window.</p>
            ) : (
              <ul className="list-inside list-disc text-sm">
                {summary.silentSystems.map((s) => (
                  <li key={s.id}>{s.name}</li>
                ))}
              </ul>
            )}
          </Panel>
        </div>

        {events && (
          <HeadedSection id="events-heading" title="Latest access events">
            {mayExport && (
              <div role="group" aria-label="Export access history" className="mb-3 flex flex-wrap items-center gap-3">
                <p className="text-sm text-slate-700">Export every access event of this secret, oldest first:</p>
                <ExportButtons links={accessExportLinks(new URLSearchParams({ secret: secret.id }).toString())} />
              </div>
            )}
            {events.items.length === 0 ? (
              <EmptyNote>No events recorded.</EmptyNote>
            ) : (
              <Table caption="Access events, newest first">
                <TableHead headings={['When', 'Call', 'Principal', 'Source IP', 'As requested', 'Outcome']} />
                <tbody>
                  {events.items.map((e) => (
                    <Tr key={e.id}>
                      <Td className="whitespace-nowrap">{formatDateTime(iso(e.occurredAt))}</Td>
                      <Td>{e.eventName}</Td>
                      <Td>
                        <code className="break-all font-mono text-[13px]">{e.principal}</code>
                      </Td>
                      <Td>{e.sourceIp ?? '—'}</Td>
                      <Td>
                        <code className="break-all font-mono text-[13px]">{e.secretRef}</code>
                      </Td>
                      <Td>{e.errorCode ? <Badge tone="red">{e.errorCode}</Badge> : <Badge tone="green">OK</Badge>}</Td>
                    </Tr>
                  ))}
                </tbody>
              </Table>
            )}
          </HeadedSection>
        )}
      </div>
    </>
  );
}

function CoverageNotice({ coverage }: { coverage: AccessCoverage }) {
  const box = (tone: 'amber' | 'slate', text: React.ReactNode) => (
    <p
      role={tone === 'amber' ? 'status' : undefined}
      className={
        tone === 'amber'
          ? 'rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200'
          : 'rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-slate-200'
      }
    >
      {text}
    </p>
  );
  switch (coverage.state) {
    case 'no_connection':
      return box('slate', 'This secret has no AWS or GCP connection, so no provider access logs are read for it.');
    case 'not_ingested':
      return box('slate', "The provider's access logs have not been read yet; the worker reads them every 15 minutes.");
    case 'data_access_off':
      return box(
        'amber',
        'Data Access logs look off for this project: Cloud Audit Logs returned no Data Access entry, so reads of its secrets leave no record. Turn on DATA_READ audit logs for secretmanager.googleapis.com to see who reads them.',
      );
    case 'error':
      return box('amber', `The last read of the access logs failed: ${coverage.lastError}`);
    case 'ok':
      return coverage.lastRunAt ? box('slate', `Access logs last read ${formatDateTime(iso(coverage.lastRunAt))}.`) : null;
  }
}
