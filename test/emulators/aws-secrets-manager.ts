// A protocol-level AWS Secrets Manager for tests: awsJson1_1 over node:http on loopback,
// so the real @aws-sdk/client-secrets-manager talks to it exactly as to AWS (signing,
// serialisation, error parsing, retries). The behaviour lives in the store
// (aws-secrets-manager-store.ts); this module does the wire: routing by X-Amz-Target,
// the region from the SigV4 credential scope, error bodies and headers, and fault
// injection (FaultPlan) in front of every operation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type FaultError, FaultPlan, sleep } from './faults';
import { type Emulator, sharedMembers } from './emulator';
import { AwsError, type EmulatedSecretSnapshot, SecretsManagerStore } from './aws-secrets-manager-store';
import type { SecretsManagerCall } from './aws-cloudtrail';
import { accessKeyOf, listen, readBody, regionOf, send, sendError } from './aws-json-wire';
import { type InvocationResult, type RotationInvocation, type RotationLambdaBehaviour, SimulatedRotationLambdas } from './aws-rotation';

export type { EmulatedSecretSnapshot } from './aws-secrets-manager-store';
export type { RotationLambdaBehaviour } from './aws-rotation';

/** `requests`: the operation names received. `reset()` also forgets scheduled Lambda runs, and the
 *  rotation Lambdas go back to the ones given at start. */
export interface AwsSecretsManagerEmulator extends Emulator<string> {
  /** Every SecretString ever stored, for canary tests that prove a value went nowhere else. */
  storedValues(): string[];
  secretNames(): string[];
  /** Labels and metadata of one secret (by name or ARN); never its values. */
  describe(nameOrArn: string): EmulatedSecretSnapshot | undefined;
  /** Resolves once every request received so far has been answered or abandoned (e.g. one
   *  still sleeping on injected latency after its client gave up). */
  settled(): Promise<void>;
  /** Add or change a simulated rotation Lambda (RotateSecret with an unknown ARN is AccessDenied). */
  setRotationLambda(arn: string, behaviour: RotationLambdaBehaviour): void;
  /** Every Lambda invocation so far, with its result once it ran. */
  rotationInvocations(): (RotationInvocation & { result?: InvocationResult })[];
  /** Resolves once every rotation Lambda invoked so far has run (after its delayMs). */
  rotationsSettled(): Promise<void>;
  /** Runs every waiting rotation Lambda now, whatever its delayMs. */
  flushRotations(): void;
  /** Creates secrets straight in memory, no HTTP (benchmarks). */
  seedSecrets(region: string, secrets: { name: string; description?: string; tags?: { Key: string; Value: string }[] }[]): void;
}

const TARGET_PREFIX = 'secretsmanager.';

/** How each injected fault looks on the wire (code, HTTP status), as AWS sends it. */
const FAULT_ERRORS: Record<FaultError, { code: string; status: number; message: string }> = {
  not_found: { code: 'ResourceNotFoundException', status: 400, message: "Secrets Manager can't find the specified secret." },
  permission_denied: { code: 'AccessDeniedException', status: 400, message: 'User is not authorized to perform this operation (injected fault).' },
  throttled: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded (injected fault).' },
  unavailable: { code: 'ServiceUnavailable', status: 503, message: 'Service unavailable (injected fault).' },
  internal: { code: 'InternalServiceError', status: 500, message: 'An error occurred on the server side (injected fault).' },
  invalid: { code: 'InvalidParameterException', status: 400, message: 'Invalid parameter (injected fault).' },
};

export async function startAwsSecretsManagerEmulator(
  options: {
    port?: number;
    host?: string;
    accountId?: string;
    /** Simulated rotation Lambdas by ARN (see aws-rotation.ts). */
    rotationLambdas?: Record<string, RotationLambdaBehaviour>;
    /** Called after every handled operation (success or modeled error), e.g. the CloudTrail
     *  emulator's recordSecretsManagerCall: the principal comes from the SigV4 access key. */
    onCall?: (call: SecretsManagerCall) => void;
  } = {},
): Promise<AwsSecretsManagerEmulator> {
  const host = options.host ?? '127.0.0.1';
  const accountId = options.accountId ?? '123456789012';
  const lambdas = new SimulatedRotationLambdas(options.rotationLambdas);
  const store = new SecretsManagerStore(lambdas);
  const faults = new FaultPlan();
  const requests: string[] = [];

  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const work = handle(req, res)
      .catch(() => sendError(res, 'InternalServiceError', 'The emulator failed.', 500))
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      sendError(res, 'UnknownOperationException', 'Expected POST / with X-Amz-Target secretsmanager.<Operation>.', 400);
      return;
    }
    const operation = target.slice(TARGET_PREFIX.length);
    requests.push(operation);

    const decision = faults.decide(operation);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    // A client that gave up while we waited never reaches the service: nothing happens.
    if (res.destroyed || req.socket.destroyed) return;
    if (decision.drop) {
      req.socket.destroy();
      return;
    }
    if (decision.error) {
      const fault = FAULT_ERRORS[decision.error];
      sendError(res, fault.code, fault.message, fault.status);
      return;
    }

    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      sendError(res, 'SerializationException', 'The request body is not a JSON object.', 400);
      return;
    }

    const region = regionOf(req);
    const call = (outcome: { secretArn?: string; errorCode?: string; errorMessage?: string }) =>
      options.onCall?.({
        operation,
        input,
        region,
        accountId,
        accessKeyId: accessKeyOf(req),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(req.headers['user-agent'] ?? ''),
        ...outcome,
      });
    try {
      const output = store.handle(operation, input, { region, accountId });
      call({ secretArn: typeof output.ARN === 'string' ? output.ARN : undefined });
      send(res, 200, output);
    } catch (error) {
      if (error instanceof AwsError) {
        call({ errorCode: error.code, errorMessage: error.message });
        sendError(res, error.code, error.message, error.status);
      } else throw error;
    }
  }

  const port = await listen(server, host, options.port);

  return {
    ...sharedMembers(host, port, faults, requests),
    storedValues: () => store.storedValues(),
    secretNames: () => store.secretNames(),
    describe: (nameOrArn) => store.snapshot(nameOrArn),
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    setRotationLambda: (arn, behaviour) => lambdas.set(arn, behaviour),
    rotationInvocations: () => lambdas.invocations.map((i) => ({ ...i })),
    rotationsSettled: () => lambdas.settled(),
    flushRotations: () => lambdas.flush(),
    seedSecrets: (region, secrets) => {
      for (const s of secrets) {
        store.handle('CreateSecret', { Name: s.name, SecretString: `seeded-${s.name}`, Description: s.description, Tags: s.tags }, { region, accountId });
      }
    },
    reset: () => {
      lambdas.reset();
      store.reset();
      faults.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        lambdas.reset();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
