import type { Metadata } from 'next';
import { DatabaseHostForm, RemoveDatabaseHost } from '@/components/settings/database-hosts';
import { formatDateTime } from '@/components/format';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { DeniedPage, loadOrDenied } from '@/components/errors/denied';
import { ACTIONS_HEADING, Table, TableHead, Td, Tr } from '@/components/ui/table';
import { requireSignedIn } from '@/lib/auth/session';
import { listDatabaseHosts } from '@/lib/data/database-hosts';
import { addDatabaseHostAction, removeDatabaseHostAction } from './actions';

export const metadata: Metadata = { title: 'Database hosts' };

export default async function DatabaseHostsPage() {
  const caller = await requireSignedIn();
  const hosts = await loadOrDenied(listDatabaseHosts(caller));
  if (hosts === undefined)
    return <DeniedPage title="Database hosts">Only administrators can see and change the database hosts rotations may connect to.</DeniedPage>;
  return (
    <>
      <PageHeader
        title="Database hosts"
        description="The hosts a database admin credential (PostgreSQL or MySQL/MariaDB) may name. A database rotation refuses any other host, so a credential's value cannot send the rotation elsewhere. Private and loopback addresses must also be allowed by the operator's EGRESS_ALLOW."
      />
      <div className="grid max-w-4xl gap-6">
        <Card title="Allowed hosts">
          {hosts.length ? (
            <Table caption="Database hosts rotations may connect to">
              <TableHead headings={['Host', 'TLS', 'Note', 'Added', ACTIONS_HEADING]} />
              <tbody>
                {hosts.map((h) => (
                  <Tr key={h.id}>
                    <Td>
                      <code className="font-mono text-[13px]">{h.host}</code>
                    </Td>
                    <Td>{h.allowInsecureTls ? 'verify-full by default; a secret may ask for less' : 'verify-full only'}</Td>
                    <Td className="max-w-64 break-words">{h.note || <span className="text-slate-400">—</span>}</Td>
                    <Td>
                      {formatDateTime(h.createdAt)}
                      {h.createdByEmail ? ` by ${h.createdByEmail}` : ''}
                    </Td>
                    <Td className="text-right">
                      <RemoveDatabaseHost host={h.host} action={removeDatabaseHostAction.bind(null, h.id)} />
                    </Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-slate-600">No host yet: database rotations cannot connect anywhere until one is added.</p>
          )}
        </Card>
        <Card title="Add a host">
          <DatabaseHostForm action={addDatabaseHostAction} />
        </Card>
      </div>
    </>
  );
}
