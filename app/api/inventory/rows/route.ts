// GET /api/inventory/rows?<inventory list filters>: one page of the inventory list as JSON
// (rows, cursor links, counts). The Inventory page's table fetches it when a filter, the
// sort or the page changes, instead of the server rendering the whole page again.
// Permission secrets.read (listSecrets authorizes; a refusal is audited there); cross-site
// requests are refused, and nothing is cached (lib/view-route.ts). List rows carry no
// secret value.
import { secretListView } from '@/lib/data/secret-list-view';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { viewRoute } from '@/lib/view-route';

export const dynamic = 'force-dynamic';

export const GET = viewRoute(async (caller, params) => ({ body: await secretListView(caller, parseSecretListQuery(params)) }));
