// GET /api/export/audit/bundle?<audit trail filters>: a signed evidence bundle (zip) of
// the matching audit events, streamed (permission audit.export; the export is audited;
// a malformed filter is a 400 naming it).
import { exportEvidenceBundle } from '@/lib/export/bundle/evidence-bundle';
import { exportRoute } from '@/lib/export/route';
import { parseAuditListQuery } from '@/lib/validation/audit-list';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) => exportEvidenceBundle(caller, () => parseAuditListQuery(params)));
