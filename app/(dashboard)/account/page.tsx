import type { Metadata } from 'next';
import { formatDateTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { CreateAccessToken } from '@/components/account/access-tokens';
import { TokenTable, tokenOwner } from '@/components/account/token-table';
import { can } from '@/lib/auth/permissions';
import { currentSessionId, requireSignedIn } from '@/lib/auth/session';
import { listOwnSessions, secondFactorStatus } from '@/lib/data/account';
import { listAllApiTokens, listOwnApiTokens, scopesFor } from '@/lib/data/api-tokens';
import { env } from '@/lib/env';
import { publicBaseUrl } from '@/lib/public-url';
import { API_SCOPE_LABELS, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from '@/lib/validation/api-tokens';
import { SignOutEverywhere } from './account-client';
import { createApiTokenAction, revokeApiTokenAction } from './actions';

export const metadata: Metadata = { title: 'Account security' };

export default async function AccountPage() {
  const caller = await requireSignedIn();
  const isAdmin = can(caller.user.role, 'admin.users');
  const [status, sessions, tokens, allTokens, serverUrl] = await Promise.all([
    secondFactorStatus(caller),
    currentSessionId().then((id) => listOwnSessions(caller, id)),
    listOwnApiTokens(caller),
    isAdmin ? listAllApiTokens(caller) : Promise.resolve(null),
    publicBaseUrl(),
  ]);
  const scopes = scopesFor(caller.user.role).map((value) => ({ value, label: API_SCOPE_LABELS[value] }));

  return (
    <>
      <PageHeader title="Account security" description="Your second factor, the browsers signed in as you and your access tokens." />
      <div className="grid max-w-4xl gap-6">
        <Card title="Two-factor authentication">
          {status.kind === 'enabled' ? (
            <div className="space-y-1 text-sm text-slate-700">
              <p>
                <Badge tone="green">On</Badge> since {formatDateTime(status.since)}. Sign-in asks for a code from your authenticator app.
              </p>
              <p>
                {status.recoveryCodesLeft} unused recovery {status.recoveryCodesLeft === 1 ? 'code' : 'codes'} left. Lost your phone and codes? An administrator
                can reset your second factor.
              </p>
            </div>
          ) : status.kind === 'not_set_up' ? (
            <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
              <p>
                <Badge tone="amber">Off</Badge> Only your password protects this account.
              </p>
              <LinkButton href="/two-factor" variant="primary">
                Set up two-factor authentication
              </LinkButton>
            </div>
          ) : (
            <p className="text-sm text-slate-700">You sign in through single sign-on: your identity provider handles the second factor.</p>
          )}
        </Card>

        <Card title="Where you are signed in">
          <p className="mb-4 text-sm text-slate-600">
            Sessions end after a period without use, and at the latest a fixed time after sign-in. Signing out everywhere ends all of them at once, including
            any copy of a session cookie.
          </p>
          <Table caption="Your sessions">
            <TableHead headings={['Browser', 'Address', 'Signed in', 'Last active']} />
            <tbody className="divide-y divide-slate-100">
              {sessions.map((s) => (
                <Tr key={s.id}>
                  <Td className="max-w-80 text-slate-700">
                    {/* The badge first: a long user agent is cut short, the badge never. */}
                    <div className="flex items-center gap-2">
                      {s.current && (
                        <Badge tone="blue" className="shrink-0">
                          This browser
                        </Badge>
                      )}
                      <span className="truncate" title={s.userAgent ?? undefined}>
                        {s.userAgent ?? 'Unknown'}
                      </span>
                    </div>
                  </Td>
                  <Td className="font-mono text-slate-700">{s.ip ?? '—'}</Td>
                  <Td className="whitespace-nowrap text-slate-700">{formatDateTime(s.createdAt)}</Td>
                  <Td className="whitespace-nowrap text-slate-700">{formatDateTime(s.lastSeenAt)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          <div className="mt-4">
            <SignOutEverywhere />
          </div>
        </Card>

        <Card title="Access tokens">
          <p className="mb-4 text-sm text-slate-600">
            A token lets a program act as you without a browser, for what it may be used for only, with your role as it is at the time of each call. It is shown
            once when created; only a hash of it is kept. Every use is recorded in the audit trail with the token.
          </p>
          <CreateAccessToken
            scopes={scopes}
            defaultDays={DEFAULT_TOKEN_DAYS}
            maxDays={MAX_TOKEN_DAYS}
            defaultRatePerMinute={env().API_RATE_LIMIT_PER_MINUTE}
            serverUrl={serverUrl}
            create={createApiTokenAction}
          />
          <div className="mt-6">
            <TokenTable caption="Your access tokens" tokens={tokens} empty="You have no live access tokens." revoke={revokeApiTokenAction} />
          </div>
        </Card>

        {allTokens && (
          <Card title="Everyone’s access tokens">
            <p className="mb-4 text-sm text-slate-600">
              As an administrator you can revoke any user’s token and any team’s service token, e.g. when a machine is lost. Teams’ pages make service tokens.
            </p>
            <TokenTable
              caption="Every user’s and team’s live access tokens"
              tokens={allTokens}
              owner={{ heading: 'Owner', of: tokenOwner }}
              empty="Nobody has a live access token."
              revoke={revokeApiTokenAction}
            />
          </Card>
        )}
      </div>
    </>
  );
}
