// The inventory list as both its page (first load) and its JSON route (every later filter,
// sort or page change) serve it: one page of rows with the view's counts (listSecrets
// authorizes), the links the view shows, the consuming system the view filters by (so the
// filter shows its name after back and forward too), and the server's "now", so that
// relative dates read the same whether the server or the browser renders them.
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { secretListLinks, type SecretListLinks, type TSecretListQuery } from '@/lib/validation/secret-list';
import { systemOptionsByIds } from './catalog';
import { listSecrets, type SecretListPage } from './secrets';

/** The system filter's choice: its id from the URL, its name when it names a system (null when not). */
export type ChosenSystem = { id: string; name: string | null };

export type SecretListView = { now: number; page: SecretListPage; links: SecretListLinks; chosenSystem: ChosenSystem | null };

export async function secretListView(caller: Caller, query: TSecretListQuery): Promise<SecretListView> {
  // After the rows, not beside them: a caller refused the list is refused (and audited) once.
  const page = await listSecrets(caller, query);
  const systems = query.system ? await systemOptionsByIds(caller, [query.system]) : [];
  const chosenSystem = query.system ? { id: query.system, name: systems[0]?.name ?? null } : null;
  return { now: appClock().now().getTime(), page, links: secretListLinks(query, page.nextCursor), chosenSystem };
}
