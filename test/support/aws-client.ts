// SDK clients pointed at the AWS Secrets Manager emulator on loopback, and a helper that
// asserts an AWS error by its code and HTTP status (what the SDK actually parsed).
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect } from 'vitest';
import type { AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';

export function secretsManagerClient(emulator: AwsSecretsManagerEmulator, region = 'eu-west-1'): SecretsManagerClient {
  return new SecretsManagerClient({
    region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'AKIDTESTONLY', secretAccessKey: 'test-only-secret-access-key' },
    // One attempt: conformance tests look at single answers, not the SDK's retries.
    maxAttempts: 1,
  });
}

export async function expectAwsError(
  promise: Promise<unknown>,
  expected: { name: string; status: number; message?: string | RegExp },
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${expected.name}, but the call succeeded`);
    },
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  expect(error.name).toBe(expected.name);
  expect(error.$metadata?.httpStatusCode).toBe(expected.status);
  if (expected.message instanceof RegExp) expect(error.message).toMatch(expected.message);
  else if (expected.message !== undefined) expect(error.message).toBe(expected.message);
  return error;
}
