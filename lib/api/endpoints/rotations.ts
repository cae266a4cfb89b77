// Rotation through the API: a secret's rotation status and "rotate now" (the Rotate now
// button's startRotation: same permission, team scope, two-person rule and audit event),
// and the Rotation page's buckets (due, overdue, never rotated, ...) with its filters.
import 'server-only';
import { z } from 'zod';
import { getRotationPolicy, listSecretRotations, startRotation } from '@/lib/data/rotations';
import { listRotationBucket } from '@/lib/data/rotation-views';
import { getRunAdoption } from '@/lib/data/rotation-adoption';
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
  summary: "A secret's rotation policy, latest runs and the active run's adoption",
  description:
    "During a grace period `adoption` lists the secret's consumers and whether each moved to the new value (with the evidence); the old value is retired once all have, or as the straggler policy says when the grace period ends.",
  permission: 'secrets.read',
  params: ZSecretId,
  success: { status: 200, schema: ZRotationStatus },
  handle: async ({ caller, params }) => {
    const policy = await getRotationPolicy(caller, params.id);
    const runs = await listSecretRotations(caller, params.id);
    const grace = runs.find((r) => r.state === 'in_grace' || r.state === 'awaiting_revocation');
    return { policy, runs, adoption: grace ? await getRunAdoption(caller, params.id, grace.id) : null };
  },
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
