// GET /api/export/inventory?<inventory list filters>: the matching secrets as a CSV
// download, streamed in keyset batches (permission inventory.export; audited as it
// starts). Denials are JSON 401/403 (audited by authorize).
import { exportRoute } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { inventorySource } from '@/lib/export/sources/inventory';
import { parseSecretListQuery } from '@/lib/validation/secret-list';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) =>
  // The whole match is exported: paging parameters from a copied list URL do not apply.
  exportRows(caller, inventorySource, () => ({ ...parseSecretListQuery(params), after: undefined }), 'csv'),
);
