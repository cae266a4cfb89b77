// Both cloud secret managers' emulators for a whole test file, for the tests that write
// and rotate values through AWS and GCP connections alike.
import { afterAll, beforeAll } from 'vitest';
import { closeGcpClients } from '@/lib/providers/gcp-client';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { late, started } from './late';

export type SecretManagerEmulators = { aws: AwsSecretsManagerEmulator; gcp: GcpSecretManagerEmulator };

/**
 * Starts both before the file's tests (GCP with these project numbers) and closes them
 * after, with the app's cached GCP clients first: those hold channels to the emulator.
 */
export function useSecretManagerEmulators(gcpProjectNumbers: Record<string, string>): SecretManagerEmulators {
  let emulators: SecretManagerEmulators | undefined;
  const get = () => started(emulators, 'the secret manager emulators');
  beforeAll(async () => {
    const aws = await startAwsSecretsManagerEmulator();
    const gcp = await startGcpSecretManagerEmulator({ projectNumbers: gcpProjectNumbers });
    emulators = { aws, gcp };
  });
  afterAll(async () => {
    await closeGcpClients();
    await emulators?.aws.close();
    await emulators?.gcp.close();
  });
  return { aws: late(() => get().aws), gcp: late(() => get().gcp) };
}
