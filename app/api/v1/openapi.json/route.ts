// GET /api/v1/openapi.json: the REST API's OpenAPI 3.1 document, generated from the
// endpoints' zod schemas (lib/api/openapi.ts). Public: it describes the API and holds no data.
import { openApiDocument } from '@/lib/api/openapi';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}
