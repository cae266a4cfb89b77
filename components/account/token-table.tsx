// The live access tokens as a table: when each was created, what it may be used for, its own
// rate limit, when it expires and when and from where it was last used, with a revoke button. One table for a
// user's own tokens, an administrator's list of everyone's (the owner: a person, or the team
// of a service token and the role it acts with) and a team's service tokens.
import { formatDateTime } from '@/components/format';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import type { ApiTokenRow } from '@/lib/data/api-tokens';
import { API_SCOPE_LABELS, type ApiScope } from '@/lib/validation/api-tokens';
import { RevokeToken } from './access-tokens';

type Result = { ok: true } | { ok: false; error: string };

/** Who a token acts as, for the administrators' list of every token. */
export function tokenOwner(t: ApiTokenRow): string {
  return t.team ? `${t.team.name} (service token, ${ROLE_LABELS[t.user.role]})` : t.user.email;
}

export function TokenTable({
  caption,
  tokens,
  empty,
  owner,
  revoke,
}: {
  caption: string;
  tokens: ApiTokenRow[];
  empty: string;
  /** A column that says whose each token is. */
  owner?: { heading: string; of: (t: ApiTokenRow) => string };
  revoke: (id: string) => Promise<Result>;
}) {
  if (tokens.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <Table caption={caption}>
      <TableHead
        headings={[...(owner ? [owner.heading] : []), 'Name', 'Used for', 'Limit', 'Expires', 'Last used', { label: <span className="sr-only">Actions</span> }]}
      />
      <tbody className="divide-y divide-slate-100">
        {tokens.map((t) => (
          <Tr key={t.id}>
            {owner && <Td className="text-slate-700">{owner.of(t)}</Td>}
            <Td className="whitespace-nowrap">
              <p className="font-medium text-slate-900">{t.name}</p>
              <p className="text-xs text-slate-600">Created {formatDateTime(t.createdAt)}</p>
            </Td>
            <Td className="text-slate-700">
              {/* The scopes by their API names (what a token's user needs), each explained on hover. */}
              <ul className="font-mono text-xs whitespace-nowrap">
                {t.scopes.map((s) => (
                  <li key={s} title={API_SCOPE_LABELS[s as ApiScope]}>
                    {s}
                  </li>
                ))}
              </ul>
            </Td>
            <Td className="whitespace-nowrap text-slate-700">{t.rateLimitPerMinute ? `${t.rateLimitPerMinute.toLocaleString('en-US')}/min` : 'Default'}</Td>
            <Td className="whitespace-nowrap text-slate-700">{formatDateTime(t.expiresAt)}</Td>
            <Td className="whitespace-nowrap text-slate-700">
              {t.lastUsedAt ? (
                <>
                  {formatDateTime(t.lastUsedAt)} <span className="font-mono text-slate-600">from {t.lastUsedIp ?? 'unknown address'}</span>
                </>
              ) : (
                'Never'
              )}
            </Td>
            <Td>
              <RevokeToken tokenId={t.id} name={t.name} revoke={revoke} />
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
