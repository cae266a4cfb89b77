// GET /inventory/import/template: an empty import file with the header row and one
// example row, for people starting from scratch rather than from an export.
import { stringify } from 'csv-stringify/sync';
import { getCaller } from '@/lib/auth/session';
import { EXPORT_KEYS, IGNORED_ON_IMPORT, INVENTORY_COLUMNS, TEMPLATE_EXAMPLE } from '@/lib/export/csv/inventory-columns';

export const dynamic = 'force-dynamic';

export async function GET() {
  const caller = await getCaller();
  if (!caller.user) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  const keys = EXPORT_KEYS.filter((k) => !IGNORED_ON_IMPORT.includes(k));
  const csv = stringify([keys.map((k) => TEMPLATE_EXAMPLE[k] ?? '')], {
    bom: true,
    header: true,
    columns: keys.map((k) => INVENTORY_COLUMNS[k]),
    record_delimiter: 'windows',
  });
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="secret-inventory-template.csv"',
      'cache-control': 'no-store',
    },
  });
}
