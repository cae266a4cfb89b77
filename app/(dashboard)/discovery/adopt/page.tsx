import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { CLASSIFICATION_LABELS } from '@/components/inventory/labels';
import { requireSignedIn } from '@/lib/auth/session';
import { listEnvironments, listTeamOptions } from '@/lib/data/catalog';
import { listUnmanaged } from '@/lib/data/unmanaged';
import { ForbiddenError } from '@/lib/errors';
import { CLASSIFICATIONS } from '@/lib/validation/secret';
import { MAX_ADOPT_ROWS, parseUnmanagedQuery, unmanagedHref, unmanagedParams } from '@/lib/validation/unmanaged';
import { AdoptClient } from './adopt-client';

export const metadata: Metadata = { title: 'Adopt cloud secrets' };

type Params = Promise<Record<string, string | string[] | undefined>>;

export default async function AdoptPage({ searchParams }: { searchParams: Params }) {
  const { after: _after, ...query } = parseUnmanagedQuery(await searchParams);
  const caller = await requireSignedIn();
  const viewHref = unmanagedHref(query);
  let page;
  try {
    page = await listUnmanaged(caller, query);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Adopt cloud secrets" />
        <Alert tone="info">Only administrators adopt cloud secrets into the inventory.</Alert>
      </>
    );
  }
  const [teams, environments] = await Promise.all([listTeamOptions(caller), listEnvironments(caller)]);
  const filter = Object.fromEntries(Object.entries(unmanagedParams(query)).filter((e): e is [string, string] => e[1] !== undefined));
  const blocked =
    query.state === 'ignored'
      ? 'Ignored secrets are not adopted. Restore them on the Discovery page first.'
      : page.total === 0
        ? 'No unmanaged secret matches this view.'
        : page.total > MAX_ADOPT_ROWS
          ? `This view holds ${page.total.toLocaleString('en-US')} secrets; one adoption takes at most ${MAX_ADOPT_ROWS.toLocaleString('en-US')}. Narrow the view first.`
          : null;

  return (
    <>
      <PageHeader
        title={`Adopt ${page.total === 1 ? '1 cloud secret' : `${page.total.toLocaleString('en-US')} cloud secrets`}`}
        description="Every unmanaged secret of the view you came from becomes an inventory entry. Nothing is written until you have checked the preview and confirmed."
      />
      {blocked ? (
        <div className="space-y-4">
          <Alert tone="info">{blocked}</Alert>
          <LinkButton href={viewHref}>Back to Discovery</LinkButton>
        </div>
      ) : (
        <AdoptClient
          filter={filter}
          viewHref={viewHref}
          total={page.total}
          teams={teams.map((t) => ({ value: t.id, label: t.name }))}
          environments={environments.map((e) => ({ value: e.id, label: e.name }))}
          classifications={CLASSIFICATIONS.map((c) => ({ value: c, label: CLASSIFICATION_LABELS[c] }))}
        />
      )}
    </>
  );
}
