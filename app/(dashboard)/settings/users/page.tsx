import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime, formatDay, relativeDays } from '@/components/format';
import { RoleBadge } from '@/components/users/role-badge';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
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
      {(user.ssoLinked || (!user.hasPassword && user.invite === 'none')) && (
        <Badge tone="blue">{user.ssoLinked ? 'SSO' : 'SSO (not yet signed in)'}</Badge>
      )}
      {user.invite === 'pending' && (
        <Badge tone="amber" className="whitespace-nowrap">
          Invite pending
        </Badge>
      )}
      {user.invite === 'expired' && <Badge tone="red">Invite expired</Badge>}
    </div>
  );
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

      <form method="get" action="/settings/users" className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter users">
        <div className="w-64">
          <label htmlFor="filter-q" className="mb-1 block text-sm font-medium text-slate-800">
            Name or email
          </label>
          <input id="filter-q" name="q" type="search" defaultValue={query.q ?? ''} className={controlClass} />
        </div>
        <div className="w-48">
          <label htmlFor="filter-role" className="mb-1 block text-sm font-medium text-slate-800">
            Role
          </label>
          <select id="filter-role" name="role" defaultValue={query.role ?? ''} className={controlClass}>
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="w-40">
          <label htmlFor="filter-status" className="mb-1 block text-sm font-medium text-slate-800">
            Status
          </label>
          <select id="filter-status" name="status" defaultValue={query.status ?? ''} className={controlClass}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="disabled">Disabled</option>
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {filtered && (
          <Link href="/settings/users" className="py-2 text-sm font-medium text-accent-700 underline">
            Clear filters
          </Link>
        )}
      </form>

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
          <Table caption="Users">
            <thead>
              <tr>
                <Th>Name and email</Th>
                <Th>Role</Th>
                <Th>Status</Th>
                <Th className="whitespace-nowrap">Sign-in method</Th>
                <Th className="whitespace-nowrap">Last sign-in</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.items.map((user) => {
                const isSelf = user.id === caller.user.id;
                return (
                  <Tr key={user.id}>
                    <Td className="min-w-48">
                      <div className="font-medium text-slate-900">
                        {user.name}
                        {isSelf && (
                          <Badge tone="neutral" className="ml-2">
                            You
                          </Badge>
                        )}
                      </div>
                      <div className="break-words text-slate-600">{user.email}</div>
                    </Td>
                    <Td>
                      <RoleForm userId={user.id} name={user.name} role={user.role} isSelf={isSelf} />
                    </Td>
                    <Td>
                      {user.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="neutral">Disabled</Badge>}
                    </Td>
                    <Td>
                      <SignInMethod user={user} />
                    </Td>
                    <Td className="whitespace-nowrap text-slate-700">
                      {user.lastSignInAt ? (
                        <time dateTime={user.lastSignInAt} title={formatDateTime(user.lastSignInAt)}>
                          {formatDay(user.lastSignInAt)}
                          <span className="block text-xs text-slate-500">{relativeDays(user.lastSignInAt)}</span>
                        </time>
                      ) : (
                        <span className="text-slate-500">Never</span>
                      )}
                    </Td>
                    <Td>
                      <UserActions
                        user={{ id: user.id, name: user.name, email: user.email, status: user.status, mfaEnabled: user.mfaEnabled }}
                        isSelf={isSelf}
                        inviteLabel={user.hasPassword || user.invite !== 'none' ? 'Reset invite' : 'Issue invite code'}
                        inviteUrl={inviteUrl}
                      />
                    </Td>
                  </Tr>
                );
              })}
            </tbody>
          </Table>
          <nav aria-label="Pages" className="mt-4 flex gap-3">
            {query.after && <LinkButton href={userListHref(filters)}>First page</LinkButton>}
            {page.nextCursor && <LinkButton href={userListHref({ ...filters, after: page.nextCursor })}>Next page</LinkButton>}
          </nav>
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
      <RoleBadge role="viewer" /> browses the inventory · <RoleBadge role="engineer" /> also writes values and rotates the
      secrets of their teams (a team&apos;s page lists its members) · <RoleBadge role="auditor" /> reads the inventory and the audit
      trail · <RoleBadge role="admin" /> everything, on every team&apos;s secrets, including users and teams.
    </>
  );
}
