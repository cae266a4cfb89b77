// GET /api/v1/discovery/drift: see lib/api/registry.ts (the endpoint, its schemas and its data-layer call).
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('GET', '/discovery/drift');
