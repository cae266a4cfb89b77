import type { Metadata } from 'next';
import Link from 'next/link';
import { missingPrerequisites } from '@/components/inventory/form-prerequisites';
import { policyDefaultsOf } from '@/components/inventory/policy-defaults';
import { SecretForm } from '@/components/inventory/secret-form';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listEnvironments, listTeamOptions } from '@/lib/data/catalog';
import { listPolicies } from '@/lib/data/policies';
import { listConnections } from '@/lib/data/provider-connections';
import { loadSecret } from '../load-secret';
import { searchSystemsAction, updateSecretAction } from '../../actions';

export const metadata: Metadata = { title: 'Edit secret' };

export default async function EditSecretPage({ params }: { params: Promise<{ secretId: string }> }) {
  const { secretId } = await params;
  const caller = await requireSignedIn();
  const [secret, environments, teams, connections, policies] = await Promise.all([
    loadSecret(secretId),
    listEnvironments(caller),
    listTeamOptions(caller),
    listConnections(caller),
    listPolicies(caller),
  ]);
  const detailHref = `/inventory/${secret.id}`;
  const blocked = missingPrerequisites({
    canWrite: can(caller.user.role, 'secrets.write'),
    hasTeams: teams.length > 0,
    hasEnvironments: environments.length > 0,
    backHref: detailHref,
  });

  return (
    <div className="max-w-5xl">
      <Link href={detailHref} className="mb-2 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← {secret.name}
      </Link>
      <PageHeader title={`Edit ${secret.name}`} description={`${secret.environment} · owned by ${secret.ownerTeam.name}`} />
      {!blocked && secret.ownerTeamAccess === 'none' && (
        <div className="mb-4">
          <Alert tone="info">
            You are not in {secret.ownerTeam.name}, which owns this secret: you can change its name, description, contact, tags, consuming systems and
            reminders. Its owner, environment, classification, status, connection, reference and rotation settings are changed by the team&apos;s members or an
            administrator.
          </Alert>
        </div>
      )}
      {blocked ?? (
        <SecretForm
          mode="edit"
          initial={{
            name: secret.name,
            description: secret.description,
            environmentId: secret.environmentId,
            ownerTeamId: secret.ownerTeam.id,
            contactPerson: secret.contactPerson,
            classification: secret.classification,
            status: secret.status,
            providerKind: secret.providerKind,
            providerRef: secret.providerRef,
            connectionId: secret.connection?.id ?? null,
            lastRotatedAt: secret.lastRotatedAt,
            rotationIntervalDays: secret.rotationIntervalDays,
            rotationStrategy: secret.rotationStrategy,
            graceHours: secret.graceHours,
            reminderDays: secret.reminderDays,
            autoRotate: secret.autoRotate,
            stragglerPolicy: secret.stragglerPolicy,
            rotationConfig: secret.rotationConfig,
            tags: secret.tags,
            expiresAt: secret.expiresAt,
            expirySource: secret.expirySource,
            certificateSubject: secret.certificateSubject,
            consumers: secret.consumers,
            updatedAt: secret.updatedAt,
          }}
          environments={environments}
          teams={teams}
          connections={connections.map((c) => ({ id: c.id, name: c.name, kind: c.kind }))}
          policyDefaults={policyDefaultsOf(policies)}
          action={updateSecretAction.bind(null, secret.id)}
          searchSystems={searchSystemsAction}
          cancelHref={detailHref}
        />
      )}
    </div>
  );
}
