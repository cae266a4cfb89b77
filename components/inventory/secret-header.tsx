// The heading the tabs of one secret share (app/(dashboard)/inventory/[secretId]/(tabs)/layout.tsx):
// back link, name, badges, owner, and the tabs.
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import type { SecretDetail } from '@/lib/data/secrets';
import { secretListHref } from '@/lib/validation/secret-list';
import { ClassificationBadge, StatusBadge } from './secret-badges';
import { SecretTabs } from './secret-tabs';

type Props = {
  secret: Pick<SecretDetail, 'id' | 'name' | 'classification' | 'status' | 'environment' | 'ownerTeam'>;
  actions?: React.ReactNode;
};

export function SecretHeader({ secret, actions }: Props) {
  return (
    <>
      <Link href="/inventory" className="mb-2 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← Inventory
      </Link>
      <PageHeader
        title={secret.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ClassificationBadge value={secret.classification} />
            <StatusBadge value={secret.status} />
            <span>
              {secret.environment} · owned by{' '}
              <Link className="font-medium text-accent-700 hover:underline" href={secretListHref({ owner: secret.ownerTeam.id })}>
                {secret.ownerTeam.name}
              </Link>
            </span>
          </span>
        }
        actions={actions}
      />
      <SecretTabs secretId={secret.id} />
    </>
  );
}
