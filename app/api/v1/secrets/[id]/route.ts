// GET, PATCH /api/v1/secrets/{id}: see lib/api/registry.ts (the endpoint, its schemas and its data-layer call).
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('GET', '/secrets/{id}');
export const PATCH = apiRoute('PATCH', '/secrets/{id}');
