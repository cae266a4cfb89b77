// Rotation for the AWS Secrets Manager emulator: RotateSecret's rule checks and a simulated
// rotation Lambda. The store (aws-secrets-manager-store.ts) keeps the rotation settings and
// the AWSPENDING placeholder RotateSecret creates; this module plays the Lambda, which in AWS
// is customer code calling the public API. So the simulation calls the same operations the
// AWS rotation templates call (DescribeSecret, GetSecretValue, PutSecretValue,
// UpdateSecretVersionStage), after an optional delay, and never takes a shortcut into the store.
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

export interface RotationRules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

/** How a simulated rotation Lambda behaves: 'succeed' runs createSecret and finishSecret;
 *  'fail' runs createSecret, then gives up in testSecret and takes AWSPENDING off the new
 *  version (which leaves it deprecated). */
export interface RotationLambdaBehaviour {
  outcome: 'succeed' | 'fail';
  delayMs?: number;
}

export interface RotationInvocation {
  lambdaArn: string;
  secretArn: string;
  token: string;
}

/** What the Lambda may do: call the API (inside the emulator, past fault injection, as
 *  AWS-internal traffic is) and tell the store that a rotation finished (LastRotatedDate). */
export interface LambdaApi {
  call(operation: string, input: Json): Json;
  rotated(): void;
}

export type InvocationResult = 'succeeded' | 'failed' | 'abandoned' | 'error';

/** The rule check errors are thrown through this factory, so the store's error type is used. */
export type ErrorFactory = (code: string, message: string) => Error;

export function parseRotationRules(raw: unknown, error: ErrorFactory): RotationRules | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw error('SerializationException', 'RotationRules must be an object.');
  const input = raw as Json;
  const rules: RotationRules = {};
  if (input.AutomaticallyAfterDays !== undefined && input.AutomaticallyAfterDays !== null) {
    const days = input.AutomaticallyAfterDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 1000) {
      throw error('InvalidParameterException', 'The AutomaticallyAfterDays value must be between 1 and 1000 days.');
    }
    rules.AutomaticallyAfterDays = days;
  }
  if (input.ScheduleExpression !== undefined && input.ScheduleExpression !== null) {
    const expression = input.ScheduleExpression;
    if (typeof expression !== 'string' || expression.length > 256 || !/^(rate|cron)\(.+\)$/.test(expression)) {
      throw error('InvalidParameterException', 'The ScheduleExpression is not a valid rate() or cron() expression.');
    }
    rules.ScheduleExpression = expression;
  }
  if (rules.AutomaticallyAfterDays !== undefined && rules.ScheduleExpression !== undefined) {
    throw error('InvalidParameterException', "You can't specify both AutomaticallyAfterDays and ScheduleExpression.");
  }
  if (input.Duration !== undefined && input.Duration !== null) {
    const duration = input.Duration;
    if (typeof duration !== 'string' || !/^\d{1,2}h$/.test(duration)) {
      throw error('InvalidParameterException', 'The Duration must be a number of hours such as "3h".');
    }
    rules.Duration = duration;
  }
  return rules;
}

/** The rotation Lambdas the emulator can "invoke", by ARN. */
export class SimulatedRotationLambdas {
  #behaviours = new Map<string, RotationLambdaBehaviour>();
  /** Invocations waiting for their delay: run() does the work, drop() forgets it. */
  #scheduled = new Set<{ run: () => void; drop: () => void }>();
  readonly invocations: (RotationInvocation & { result?: InvocationResult })[] = [];

  constructor(readonly initial: Record<string, RotationLambdaBehaviour> = {}) {
    this.reset();
  }

  set(arn: string, behaviour: RotationLambdaBehaviour): void {
    this.#behaviours.set(arn, { ...behaviour });
  }

  has(arn: string): boolean {
    return this.#behaviours.has(arn);
  }

  /** Back to the behaviours given at start; scheduled runs are dropped, not run. */
  reset(): void {
    for (const entry of [...this.#scheduled]) entry.drop();
    this.#behaviours = new Map(Object.entries(this.initial).map(([arn, b]) => [arn, { ...b }]));
    this.invocations.length = 0;
  }

  /** Runs every scheduled invocation now instead of after its delay, so a test can hold a
   *  rotation "in progress" (a long delayMs) and then finish it without waiting. */
  flush(): void {
    for (const entry of [...this.#scheduled]) entry.run();
  }

  /** Resolves once every invocation so far has run (or been dropped). */
  async settled(): Promise<void> {
    while (this.#scheduled.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Asynchronous, like AWS: RotateSecret answers before the Lambda runs. */
  invoke(invocation: RotationInvocation, api: LambdaApi): void {
    const behaviour = this.#behaviours.get(invocation.lambdaArn);
    if (!behaviour) return;
    const record: RotationInvocation & { result?: InvocationResult } = { ...invocation };
    this.invocations.push(record);
    const entry = {
      run: () => {
        entry.drop();
        record.result = runRotation(invocation, behaviour.outcome, api);
      },
      drop: () => {
        clearTimeout(timer);
        this.#scheduled.delete(entry);
      },
    };
    const timer = setTimeout(entry.run, behaviour.delayMs ?? 0);
    this.#scheduled.add(entry);
  }
}

/** The four steps of an AWS rotation template, shortened to what changes labels. */
function runRotation({ secretArn, token }: RotationInvocation, outcome: RotationLambdaBehaviour['outcome'], api: LambdaApi): InvocationResult {
  const SecretId = secretArn;
  try {
    // Every template step starts with these checks.
    const described = api.call('DescribeSecret', { SecretId });
    if (described.RotationEnabled !== true) return 'abandoned';
    const stages = ((described.VersionIdsToStages ?? {}) as Record<string, string[]>)[token];
    if (!stages) return 'abandoned';
    if (stages.includes('AWSCURRENT')) return 'succeeded';
    if (!stages.includes('AWSPENDING')) return 'abandoned';

    // createSecret: only when the pending version has no value yet.
    try {
      api.call('GetSecretValue', { SecretId, VersionId: token, VersionStage: 'AWSPENDING' });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ResourceNotFoundException') throw error;
      const SecretString = randomBytes(24).toString('base64url');
      api.call('PutSecretValue', { SecretId, ClientRequestToken: token, SecretString, VersionStages: ['AWSPENDING'] });
    }

    // setSecret / testSecret: where a failing Lambda gives up and cleans its label away.
    if (outcome === 'fail') {
      api.call('UpdateSecretVersionStage', { SecretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: token });
      return 'failed';
    }

    // finishSecret: AWSCURRENT moves (AWSPREVIOUS follows), then AWSPENDING comes off.
    const now = (api.call('DescribeSecret', { SecretId }).VersionIdsToStages ?? {}) as Record<string, string[]>;
    const current = Object.entries(now).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    api.call('UpdateSecretVersionStage', {
      SecretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      ...(current ? { RemoveFromVersionId: current } : {}),
    });
    api.call('UpdateSecretVersionStage', { SecretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: token });
    api.rotated();
    return 'succeeded';
  } catch {
    // The secret was deleted or changed under the Lambda: the rotation just fails.
    return 'error';
  }
}
