// Both cloud secret managers' emulators for a whole test file, for the tests that write
// and rotate values through AWS and GCP connections alike.
import { afterAll, beforeAll } from 'vitest';
import { closeGcpClients } from '@/lib/providers/gcp-client';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';

export type SecretManagerEmulators = { aws: AwsSecretsManagerEmulator; gcp: GcpSecretManagerEmulator };

/**
 * Stands for the value `get` returns once the file's tests run, so a test file can name
 * an emulator at its top level although the emulator starts in beforeAll.
 */
function late<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Starts both before the file's tests (GCP with these project numbers) and closes them
 * after, with the app's cached GCP clients first: those hold channels to the emulator.
 */
export function useSecretManagerEmulators(gcpProjectNumbers: Record<string, string>): SecretManagerEmulators {
  let started: SecretManagerEmulators | undefined;
  const get = () => {
    if (!started) throw new Error('the emulators start in beforeAll: use them inside a test or hook');
    return started;
  };
  beforeAll(async () => {
    const aws = await startAwsSecretsManagerEmulator();
    const gcp = await startGcpSecretManagerEmulator({ projectNumbers: gcpProjectNumbers });
    started = { aws, gcp };
  });
  afterAll(async () => {
    await closeGcpClients();
    await started?.aws.close();
    await started?.gcp.close();
  });
  return { aws: late(() => get().aws), gcp: late(() => get().gcp) };
}
