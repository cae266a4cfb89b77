// GET /api/export/orphans?tab=&days=: one section of the Orphans report as a CSV download,
// streamed in keyset batches (permission inventory.export; audited as it starts). Denials
// are JSON 401/403 (audited by authorize).
import { appClock } from '@/lib/clock';
import { exportRoute } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { orphansSource } from '@/lib/export/sources/orphans';
import { parseOrphanQuery } from '@/lib/validation/orphans';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) =>
  // The whole section is exported: a page cursor from a copied report URL does not apply.
  exportRows(
    caller,
    orphansSource,
    () => {
      const { tab, days } = parseOrphanQuery(params);
      return { tab, days, now: appClock().now() };
    },
    'csv',
  ),
);
