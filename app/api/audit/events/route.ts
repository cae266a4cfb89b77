// GET /api/audit/events?<audit filters>&after=<cursor>: one page of the audit trail as
// JSON (events, cursor links, the export links' filter query). The Audit page's table
// fetches it when a filter or the page changes, instead of the server rendering the
// whole page again. Permission audit.read (auditors and admins; auditListView authorizes,
// a refusal is audited there) before the filters are looked at; a malformed filter
// answers 400 naming each problem. Cross-site requests are refused like every route's.
// Events are live, so never cached anywhere (lib/view-route.ts); they carry no secret value.
import { auditListView } from '@/lib/data/audit-list-view';
import { viewRoute } from '@/lib/view-route';

export const dynamic = 'force-dynamic';

export const GET = viewRoute(async (caller, params) => {
  const view = await auditListView(caller, params);
  return view.ok ? { body: view } : { body: { ...view, error: 'Check the audit filters.' }, status: 400 };
});
