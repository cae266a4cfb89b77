// The inventory list as both its page (first load) and its JSON route (every later filter,
// sort or page change) serve it: one page of rows with the view's counts (listSecrets
// authorizes), the links the view shows, and the server's "now", so that relative dates
// read the same whether the server or the browser renders them.
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { secretListLinks, type SecretListLinks, type TSecretListQuery } from '@/lib/validation/secret-list';
import { listSecrets, type SecretListPage } from './secrets';

export type SecretListView = { now: number; page: SecretListPage; links: SecretListLinks };

export async function secretListView(caller: Caller, query: TSecretListQuery): Promise<SecretListView> {
  const page = await listSecrets(caller, query);
  return { now: appClock().now().getTime(), page, links: secretListLinks(query, page.nextCursor) };
}
