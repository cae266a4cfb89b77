// The Audit page's view as both its page (first load) and its JSON route (every later
// filter or page change) serve it: one page of events (listAuditEvents authorizes), the
// links the view shows and the access-history export's prefilled filters; or, for a
// malformed filter, each problem by parameter, after the same permission check, so that
// a caller who may not read the trail learns nothing about its filters.
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { authorize } from '@/lib/auth/authorize';
import { accessQueryForAudit, type TAccessExportQuery } from '@/lib/validation/access-export';
import { auditListLinks, checkAuditListQuery, type AuditListCheck, type AuditListLinks } from '@/lib/validation/audit-list';
import type { SearchParams } from '@/lib/validation/list-url';
import { listAuditEvents, type AuditEventPage } from './audit-events';

export type AuditListView =
  | { ok: true; page: AuditEventPage; links: AuditListLinks; access: TAccessExportQuery }
  | { ok: false; fieldErrors: Extract<AuditListCheck, { ok: false }>['fieldErrors'] };

export async function auditListView(caller: Caller, params: SearchParams): Promise<AuditListView> {
  const check = checkAuditListQuery(params);
  if (!check.ok) {
    await authorize(caller, 'audit.read', { action: 'audit.list', targetType: 'audit_event' });
    return { ok: false, fieldErrors: check.fieldErrors };
  }
  const page = await listAuditEvents(caller, check.query);
  return { ok: true, page, links: auditListLinks(check.query, page.nextCursor), access: accessQueryForAudit(check.query) };
}
