// One system per request for a page and its metadata (React's cache dedupes the two),
// with whether the caller may change it (its pages offer the edit only then).
import 'server-only';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { getSystem } from '@/lib/data/systems';

export const loadSystem = cache(async (systemId: string) => {
  const caller = await requireSignedIn();
  const system = await loadOrNotFound(systemId, (id) => getSystem(caller, id));
  return { caller, system, canWrite: can(caller.user.role, 'catalog.write') };
});
