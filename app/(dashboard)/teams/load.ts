// One team per request for a page and its metadata (React's cache dedupes the two),
// with whether the caller may change it (its pages offer the edit only then).
import 'server-only';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { getTeam } from '@/lib/data/teams';

export const loadTeam = cache(async (teamId: string) => {
  const caller = await requireSignedIn();
  const team = await loadOrNotFound(teamId, (id) => getTeam(caller, id));
  return { caller, team, canWrite: can(caller.user.role, 'catalog.write') };
});
