// One system per request for a page and its metadata (React's cache dedupes the two).
import 'server-only';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { requireSignedIn } from '@/lib/auth/session';
import { getSystem } from '@/lib/data/systems';

export const loadSystem = cache(async (systemId: string) => {
  const caller = await requireSignedIn();
  return { caller, system: await loadOrNotFound(systemId, (id) => getSystem(caller, id)) };
});
