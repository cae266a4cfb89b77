import type { Metadata } from 'next';
import Link from 'next/link';
import { missingPrerequisites } from '@/components/inventory/form-prerequisites';
import { policyDefaultsOf } from '@/components/inventory/policy-defaults';
import { SecretForm } from '@/components/inventory/secret-form';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listEnvironments, listTeamOptions } from '@/lib/data/catalog';
import { listPolicies } from '@/lib/data/policies';
import { listConnections } from '@/lib/data/provider-connections';
import { createSecretAction, searchSystemsAction } from '../actions';

export const metadata: Metadata = { title: 'Add a secret' };

export default async function NewSecretPage() {
  const caller = await requireSignedIn();
  const canWrite = can(caller.user.role, 'secrets.write');
  const [environments, teams, connections, policies] = await Promise.all([
    listEnvironments(caller),
    listTeamOptions(caller),
    listConnections(caller),
    listPolicies(caller),
  ]);
  const blocked = missingPrerequisites({
    canWrite,
    hasTeams: teams.length > 0,
    hasEnvironments: environments.length > 0,
    backHref: '/inventory',
  });

  return (
    <div className="max-w-5xl">
      <Link href="/inventory" className="mb-2 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← Inventory
      </Link>
      <PageHeader title="Add a secret" description="Record where a secret lives, who owns it and who uses it. The value itself stays in your secret manager." />
      {blocked ?? (
        <SecretForm
          mode="create"
          environments={environments}
          teams={teams}
          connections={connections.map((c) => ({ id: c.id, name: c.name, kind: c.kind }))}
          policyDefaults={policyDefaultsOf(policies)}
          action={createSecretAction}
          searchSystems={searchSystemsAction}
          cancelHref="/inventory"
        />
      )}
    </div>
  );
}
