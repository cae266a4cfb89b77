// One team per request for a page and its metadata (React's cache dedupes the two).
import 'server-only';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { requireSignedIn } from '@/lib/auth/session';
import { getTeam } from '@/lib/data/teams';

export const loadTeam = cache(async (teamId: string) => {
  const caller = await requireSignedIn();
  return { caller, team: await loadOrNotFound(teamId, (id) => getTeam(caller, id)) };
});
