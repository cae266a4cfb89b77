// GET /api/export/posture[?team=<id>]: every secret's posture (score and each check) as a
// CSV download, streamed in keyset batches (permission inventory.export; audited as it
// starts). Denials are JSON 401/403 (audited by authorize).
import { exportRoute } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { postureSource } from '@/lib/export/sources/posture';
import { ZPostureExportQuery } from '@/lib/validation/posture';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) => exportRows(caller, postureSource, () => ZPostureExportQuery.parse(params), 'csv'));
