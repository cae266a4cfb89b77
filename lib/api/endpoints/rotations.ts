// Rotation through the API: a secret's rotation status and "rotate now" (the Rotate now
// button's startRotation: same permission, team scope, two-person rule and audit event),
// and the Rotation page's buckets (due, overdue, never rotated, ...) with its filters.
import 'server-only';
import { z } from 'zod';
import { getRotationPolicy, listSecretRotations, startRotation } from '@/lib/data/rotations';
import { listRotationBucket } from '@/lib/data/rotation-views';
import { filtersOf, ZRotationListQuery } from '@/lib/validation/rotation-list';
import { endpoint } from '../endpoint';
import { ZRotationPage, ZRotationStarted, ZRotationStatus } from '../schemas';
import { apiPage, strictListQuery } from '../strict-query';
import { ZSecretId } from './secrets';

export const rotationStatusEndpoint = endpoint({
  method: 'GET',
  path: '/secrets/{id}/rotation',
  operationId: 'getRotationStatus',
  tag: 'Rotation',
  summary: "A secret's rotation policy and latest runs",
  permission: 'secrets.read',
  params: ZSecretId,
  success: { status: 200, schema: ZRotationStatus },
  handle: async ({ caller, params }) => ({
    policy: await getRotationPolicy(caller, params.id),
    runs: await listSecretRotations(caller, params.id),
  }),
});

export const rotateNowEndpoint = endpoint({
  method: 'POST',
  path: '/secrets/{id}/rotate',
  operationId: 'rotateSecret',
  tag: 'Rotation',
  summary: 'Rotate now',
  description: "Starts a rotation with the secret's strategy (at most one at a time: another start is a 400). Follow it with GET /secrets/{id}/rotation.",
  permission: 'secrets.rotate',
  params: ZSecretId,
  body: z.object({ note: z.string().max(500).optional().describe("A note for the run's history") }),
  success: { status: 201, schema: ZRotationStarted },
  handle: ({ caller, params, body }) => startRotation(caller, params.id, { trigger: 'manual', note: body.note ?? '' }),
});

export const listRotationsEndpoint = endpoint({
  method: 'GET',
  path: '/rotations',
  operationId: 'listRotations',
  tag: 'Rotation',
  summary: 'Secrets by rotation status',
  description:
    'One bucket of the Rotation page (`tab`: overdue, due soon within `days`, never rotated, in progress, failed, in grace) with the inventory filters.',
  permission: 'secrets.read',
  query: strictListQuery(ZRotationListQuery.shape),
  success: { status: 200, schema: ZRotationPage },
  handle: async ({ caller, query: { cursor, ...rest } }) => {
    const query = ZRotationListQuery.parse({ ...rest, after: cursor });
    return apiPage(await listRotationBucket(caller, query.tab, filtersOf(query), { soonDays: query.days, size: query.size, after: query.after }));
  },
});
