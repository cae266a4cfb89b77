// What a rotation run works on, fixed when it starts (rotation_runs.inputs): the provider
// reference, the connection as it was configured, the strategy and its settings, and the
// reference of the secret holding a PostgreSQL admin credential. Every engine step and every
// person's step reads these, never the secret's live columns, so editing the secret (or the
// row, behind the app's back) while a run waits cannot point the run somewhere else.
import { z } from 'zod';
import type { RotationStrategy } from '@/generated/prisma/enums';
import { parseRotationConfig, ROTATION_STRATEGIES, STRAGGLER_POLICIES, type RotationConfig } from '@/lib/validation/rotation-config';

const ZConnectionSnapshot = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['aws', 'gcp', 'local']),
  region: z.string().nullable(),
  roleArn: z.string().nullable(),
  projectId: z.string().nullable(),
  location: z.string().nullable(),
  endpoint: z.string().nullable(),
});
export type ConnectionSnapshot = z.infer<typeof ZConnectionSnapshot>;

export const ZRunInputs = z.object({
  providerRef: z.string().min(1),
  connection: ZConnectionSnapshot,
  strategy: z.enum(ROTATION_STRATEGIES),
  /** The strategy's settings as stored on the secret; checked by parseRotationConfig on read. */
  config: z.unknown(),
  /** Database strategies only: the secret holding the admin credential, and its reference. */
  admin: z.object({ secretId: z.uuid(), providerRef: z.string().min(1) }).nullable(),
  /** What to do when the grace period ends with consumers still on the old value
   *  (lib/rotation/adoption); runs recorded before it existed retire, as they did. */
  stragglerPolicy: z.enum(STRAGGLER_POLICIES).default('retire'),
});
export type TRunInputs = z.infer<typeof ZRunInputs>;

export type RunInputs = Omit<TRunInputs, 'config'> & { rotation: RotationConfig };

export class RunInputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputsError';
  }
}

/** The stored inputs, checked; RunInputsError (the run fails as misconfigured) when they
 *  are missing or do not fit, e.g. a run written before inputs were recorded. */
export function parseRunInputs(json: unknown, strategy: RotationStrategy): RunInputs {
  const parsed = ZRunInputs.safeParse(json);
  if (!parsed.success || parsed.data.strategy !== strategy) {
    throw new RunInputsError('This rotation has no valid record of what it started with; start a new rotation.');
  }
  let rotation: RotationConfig;
  try {
    rotation = parseRotationConfig(parsed.data.strategy, parsed.data.config);
  } catch {
    throw new RunInputsError("The rotation settings this run started with are not valid for its strategy; fix the secret's settings and start a new rotation.");
  }
  const { config: _config, ...rest } = parsed.data;
  void _config;
  return { ...rest, rotation };
}
