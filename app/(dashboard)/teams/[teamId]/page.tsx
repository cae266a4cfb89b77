import type { Metadata } from 'next';
import Link from 'next/link';
import { SystemStatusBadge } from '@/components/catalog/system-status-badge';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { AboutCard, CountFact, Fact, FactsCard, RecordColumns } from '@/components/ui/record-facts';
import { RecordHeader } from '@/components/ui/record-header';
import { Badge } from '@/components/ui/badge';
import { CreateAccessToken } from '@/components/account/access-tokens';
import { TokenTable } from '@/components/account/token-table';
import { can, ROLE_LABELS } from '@/lib/auth/permissions';
import type { ApiTokenRow } from '@/lib/data/api-tokens';
import { scopesFor } from '@/lib/data/api-tokens';
import { listTeamServiceTokens } from '@/lib/data/service-tokens';
import { env } from '@/lib/env';
import { publicBaseUrl } from '@/lib/public-url';
import { API_SCOPE_LABELS, API_SCOPES, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, SERVICE_TOKEN_ROLES } from '@/lib/validation/api-tokens';
import { revokeApiTokenAction } from '../../account/actions';
import { createServiceTokenAction } from '../actions';
import { listTeamMembers, MEMBERS_SHOWN } from '@/lib/data/team-members';
import { AddMemberForm, RemoveMemberButton } from './members-client';
import { loadTeam } from '../load';

type Props = { params: Promise<{ teamId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await loadTeam((await params).teamId)).team.name };
}

export default async function TeamPage({ params }: Props) {
  const { caller, team, canWrite } = await loadTeam((await params).teamId);
  const canManageMembers = can(caller.user.role, 'admin.users');
  const [members, serviceTokens] = await Promise.all([
    listTeamMembers(caller, team.id),
    canManageMembers ? listTeamServiceTokens(caller, team.id) : Promise.resolve(null),
  ]);
  const hiddenSystems = team.systemCount - team.systems.length;

  return (
    <>
      <RecordHeader
        back={{ href: '/teams', label: 'Teams' }}
        title={team.name}
        actions={canWrite && <LinkButton href={`/teams/${team.id}/edit`}>Edit team</LinkButton>}
      >
        Team
      </RecordHeader>
      <RecordColumns
        aside={
          <FactsCard title="Ownership" record={team}>
            <CountFact term="Secrets owned" count={team.secretCount} href={`/inventory?owner=${team.id}`} note="Not counting decommissioned secrets." />
            <Fact term="Systems owned">
              <dd className="mt-0.5 text-2xl font-semibold tabular-nums text-slate-900">{team.systemCount.toLocaleString('en-US')}</dd>
            </Fact>
          </FactsCard>
        }
      >
        <AboutCard
          description={team.description}
          empty={<>No description yet.{canWrite && ' Add what the team does and how to reach it, so owners are easy to contact.'}</>}
        />

        <Card title={`Members (${members.length.toLocaleString('en-US')}${members.length === MEMBERS_SHOWN ? '+' : ''})`}>
          <p className="mb-3 text-sm text-slate-600">
            Engineers who are members write values, rotate and change the protection of the secrets this team owns. Administrators act on every team&apos;s
            secrets.
          </p>
          {members.length === 0 ? (
            <p className="text-sm text-slate-600">No members yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {members.map((member) => (
                <li key={member.userId} className="flex items-center justify-between gap-3 py-2">
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-slate-900">
                      {member.name} {!member.active && <Badge>Disabled</Badge>}
                    </p>
                    <p className="truncate text-xs text-slate-600">
                      {member.email} · {ROLE_LABELS[member.role]}
                      {member.source === 'oidc' && ' · from single sign-on groups'}
                    </p>
                  </div>
                  {canManageMembers && <RemoveMemberButton teamId={team.id} userId={member.userId} name={member.name} />}
                </li>
              ))}
            </ul>
          )}
          {canManageMembers && (
            <div className="mt-4 border-t border-slate-200 pt-4">
              <AddMemberForm teamId={team.id} />
            </div>
          )}
        </Card>

        <Card title={`Systems owned (${team.systemCount.toLocaleString('en-US')})`}>
          {team.systems.length === 0 ? (
            <div className="text-sm text-slate-600">
              <p>This team owns no systems yet. A system is a service or job that uses secrets.</p>
              {canWrite && (
                <LinkButton href={`/systems/new?owner=${team.id}`} className="mt-3">
                  New system for this team
                </LinkButton>
              )}
            </div>
          ) : (
            <>
              <ul className="divide-y divide-slate-100">
                {team.systems.map((system) => (
                  <li key={system.id} className="flex items-center justify-between gap-3 py-2">
                    <Link href={`/systems/${system.id}`} className="text-sm font-medium text-accent-700 hover:underline">
                      {system.name}
                    </Link>
                    {system.status !== 'active' && <SystemStatusBadge status={system.status} />}
                  </li>
                ))}
              </ul>
              <Link href={`/systems?owner=${team.id}`} className="mt-3 inline-block text-sm font-medium text-accent-700 hover:underline">
                {hiddenSystems > 0 ? `All ${team.systemCount.toLocaleString('en-US')} systems` : 'Open in the systems list'}
                <span aria-hidden> →</span>
              </Link>
            </>
          )}
        </Card>
      </RecordColumns>
      {/* Full width: the token table has more columns than the record's main column holds. */}
      {serviceTokens && <ServiceTokensCard team={team} tokens={serviceTokens} />}
    </>
  );
}

/** Administrators' view of the team's service tokens: make one (shown once), see them, revoke one. */
async function ServiceTokensCard({ team, tokens }: { team: { id: string; name: string }; tokens: ApiTokenRow[] }) {
  const roles = SERVICE_TOKEN_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], scopes: scopesFor(role) }));
  return (
    <Card title={`Service tokens (${tokens.length.toLocaleString('en-US')})`} className="mt-6">
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        A service token lets a machine, such as a CI job, call the REST API for this team: it acts on the secrets {team.name} owns, with the role chosen (never
        administrator) and for what it may be used for only. It is shown once when created; only a hash of it is kept. Every use is recorded in the audit trail
        with the token.
      </p>
      <div className="max-w-3xl">
        <CreateAccessToken
          scopes={API_SCOPES.map((value) => ({ value, label: API_SCOPE_LABELS[value] }))}
          defaultDays={DEFAULT_TOKEN_DAYS}
          maxDays={MAX_TOKEN_DAYS}
          defaultRatePerMinute={env().API_RATE_LIMIT_PER_MINUTE}
          serverUrl={await publicBaseUrl()}
          service={{ team: team.name, roles }}
          create={createServiceTokenAction.bind(null, team.id)}
        />
      </div>
      <div className="mt-6">
        <TokenTable
          caption={`Live service tokens of ${team.name}`}
          tokens={tokens}
          owner={{ heading: 'Role', of: (t) => ROLE_LABELS[t.user.role] }}
          empty="This team has no live service tokens."
          revoke={revokeApiTokenAction}
        />
      </div>
    </Card>
  );
}
