// Discovery through the API: the drift report (where the inventory and the providers' newest
// scan snapshots disagree), one keyset page at a time, from the Drift page's listDrift (same
// permission, same findings). The one-click fixes stay in the app: a finding's `fix` says
// which exists, `mayFix` whether the token's user may use it there.
//
// The Unmanaged list (cloud secrets no inventory entry references) is not offered: it is for
// administrators (admin.providers) and no token scope grants that permission.
import 'server-only';
import { listDrift } from '@/lib/data/drift';
import { ZDriftQuery } from '@/lib/discovery/drift-input';
import { endpoint } from '../endpoint';
import { ZDriftPage } from '../schemas';
import { apiPage, strictListQuery } from '../strict-query';

export const listDriftEndpoint = endpoint({
  method: 'GET',
  path: '/discovery/drift',
  operationId: 'listDrift',
  tag: 'Discovery',
  summary: 'Drift findings',
  description:
    "The Drift page's findings (inventory entries that disagree with their provider's newest scan), by secret name, optionally for one `connection` and one `kind`, with the count of each kind and every cloud connection's last scan.",
  permission: 'secrets.read',
  query: strictListQuery(ZDriftQuery.shape),
  success: { status: 200, schema: ZDriftPage },
  handle: async ({ caller, rawQuery: { connection, kind, cursor } }) => {
    // The query was checked strictly above; listDrift reads it as the page's URL gives it.
    const { items, ...report } = apiPage(await listDrift(caller, { connection, kind, cursor }));
    // `seen` ties the app's fix button to the finding it showed; the API offers no fix.
    return { ...report, items: items.map(({ seen: _seen, ...finding }) => finding) };
  },
});
