// GET /api/v1/posture: the Posture page's overview (lib/data/posture.ts), for the whole
// organisation or one team, over 30, 90 or 365 days.
import 'server-only';
import { z } from 'zod';
import { postureOverview } from '@/lib/data/posture';
import { POSTURE_RANGES } from '@/lib/validation/posture';
import { endpoint } from '../endpoint';
import { ZPosture } from '../schemas';

export const postureEndpoint = endpoint({
  method: 'GET',
  path: '/posture',
  operationId: 'getPosture',
  tag: 'Posture',
  summary: 'Security posture overview',
  description: 'Scores and failing checks as of the newest daily refresh, with the trend over `range` days.',
  permission: 'secrets.read',
  query: z.object({
    team: z.uuid().optional(),
    range: z
      .enum(POSTURE_RANGES.map(String) as ['30', '90', '365'])
      .default('30')
      .describe('Days of trend'),
  }),
  success: { status: 200, schema: ZPosture },
  handle: ({ caller, query }) => postureOverview(caller, { team: query.team, range: Number(query.range) }),
});
