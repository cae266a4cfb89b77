import type { Metadata } from 'next';
import { formatDateTime, formatDay, relativeDays } from '@/components/format';
import { RoleBadge } from '@/components/users/role-badge';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterBar, FilterSearch, FilterSelect } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { ROLE_LABELS, ROLES } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { mfaRequirement } from '@/lib/data/user-security';
import { listUsers, type UserListItem } from '@/lib/data/users';
import { ForbiddenError } from '@/lib/errors';
import { publicBaseUrl } from '@/lib/public-url';
import { parseUserListQuery, userListHref } from '@/lib/validation/user-list';
import { MfaRequirementForm, RoleForm, UserActions } from './users-client';

export const metadata: Metadata = { title: 'Users' };

type Params = Promise<Record<string, string | string[] | undefined>>;

function SignInMethod({ user }: { user: UserListItem }) {
  return (
    <div className="flex flex-wrap gap-1">
      {user.hasPassword && <Badge>Password</Badge>}
      {user.mfaEnabled && <Badge tone="green">2FA</Badge>}
      {(user.ssoLinked || (!user.hasPassword && user.invite === 'none')) && <Badge tone="blue">{user.ssoLinked ? 'SSO' : 'SSO (not yet signed in)'}</Badge>}
      {user.invite === 'pending' && (
        <Badge tone="amber" className="whitespace-nowrap">
          Invite pending
        </Badge>
      )}
      {user.invite === 'expired' && <Badge tone="red">Invite expired</Badge>}
    </div>
  );
}

const STATUS_OPTIONS = [
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
];

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

function userColumns(callerId: string, inviteUrl: string): Column<UserListItem>[] {
  return [
    {
      header: 'Name and email',
      className: 'min-w-48',
      cell: (user) => (
        <>
          <div className="font-medium text-slate-900">
            {user.name}
            {user.id === callerId && (
              <Badge tone="neutral" className="ml-2">
                You
              </Badge>
            )}
          </div>
          <div className="break-words text-slate-600">{user.email}</div>
        </>
      ),
    },
    {
      header: 'Role',
      cell: (user) => <RoleForm userId={user.id} name={user.name} role={user.role} isSelf={user.id === callerId} />,
    },
    {
      header: 'Status',
      cell: (user) => (user.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="neutral">Disabled</Badge>),
    },
    { header: 'Sign-in method', headerClassName: 'whitespace-nowrap', cell: (user) => <SignInMethod user={user} /> },
    {
      header: 'Last sign-in',
      headerClassName: 'whitespace-nowrap',
      className: 'whitespace-nowrap text-slate-700',
      cell: (user) =>
        user.lastSignInAt ? (
          <time dateTime={user.lastSignInAt} title={formatDateTime(user.lastSignInAt)}>
            {formatDay(user.lastSignInAt)}
            <span className="block text-xs text-slate-500">{relativeDays(user.lastSignInAt)}</span>
          </time>
        ) : (
          <span className="text-slate-500">Never</span>
        ),
    },
    {
      header: <span className="sr-only">Actions</span>,
      cell: (user) => (
        <UserActions
          user={{ id: user.id, name: user.name, email: user.email, status: user.status, mfaEnabled: user.mfaEnabled }}
          isSelf={user.id === callerId}
          inviteLabel={user.hasPassword || user.invite !== 'none' ? 'Reset invite' : 'Issue invite code'}
          inviteUrl={inviteUrl}
        />
      ),
    },
  ];
}

export default async function UsersPage({ searchParams }: { searchParams: Params }) {
  const query = parseUserListQuery(await searchParams);
  const caller = await requireSignedIn();
  let page;
  try {
    page = await listUsers(caller, query);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Users" />
        <Alert>Only administrators can manage users. Ask an administrator if you need a different role.</Alert>
      </>
    );
  }
  const [inviteUrl, requirement] = [`${await publicBaseUrl()}/invite`, await mfaRequirement()];
  const filtered = Boolean(query.q || query.role || query.status);
  const filters = { q: query.q, role: query.role, status: query.status };

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, with which role. Changes take effect on the person's next page load."
        actions={
          <LinkButton href="/settings/users/new" variant="primary">
            Invite user
          </LinkButton>
        }
      />

      <div className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <MfaRequirementForm value={requirement} />
      </div>

      <FilterBar action="/settings/users" label="Filter users" clear={filtered ? { href: '/settings/users', label: 'Clear filters' } : undefined}>
        <FilterSearch id="filter-q" label="Name or email" value={query.q} />
        <FilterSelect id="filter-role" label="Role" name="role" value={query.role} anyLabel="All roles" options={ROLE_OPTIONS} />
        <FilterSelect id="filter-status" label="Status" name="status" value={query.status} anyLabel="Any status" options={STATUS_OPTIONS} width="w-40" />
      </FilterBar>

      {page.items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No users match these filters' : 'No users yet'}
          action={
            filtered ? (
              <LinkButton href="/settings/users">Clear filters</LinkButton>
            ) : (
              <LinkButton href="/settings/users/new" variant="primary">
                Invite user
              </LinkButton>
            )
          }
        >
          {filtered
            ? 'Try part of a name or email address, or another role or status.'
            : 'Invite the people who look after your secrets. Each gets a role that decides what they can see and change.'}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-600" aria-live="polite">
            {page.total === 1 ? '1 user' : `${page.total} users`}
            {filtered ? ' match' : ''}
            {query.after ? ' · later page' : ''}
          </p>
          <DataTable
            caption="Users"
            items={page.items}
            itemKey={(user) => user.id}
            columns={userColumns(caller.user.id, inviteUrl)}
            pager={
              <Pager
                firstHref={query.after ? userListHref(filters) : undefined}
                nextHref={page.nextCursor ? userListHref({ ...filters, after: page.nextCursor }) : undefined}
              />
            }
          />
        </>
      )}
      <p className="mt-6 text-xs text-slate-600">
        <RoleLegend />
      </p>
    </>
  );
}

function RoleLegend() {
  return (
    <>
      <RoleBadge role="viewer" /> browses the inventory · <RoleBadge role="engineer" /> also writes values and rotates the secrets of their teams (a team&apos;s
      page lists its members) · <RoleBadge role="auditor" /> reads the inventory and the audit trail · <RoleBadge role="admin" /> everything, on every
      team&apos;s secrets, including users and teams.
    </>
  );
}
