// POST /api/v1/secrets/{id}/value: see lib/api/registry.ts (the endpoint, its schemas and its data-layer call).
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute('POST', '/secrets/{id}/value');
