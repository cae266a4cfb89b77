// The Cloud Logging emulator fed by a Secret Manager emulator's own calls, with a real
// Secret Manager client to make those calls: what the GCP access-history tests read from.
import { v1 } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startGcpLoggingEmulator, type GcpLoggingEmulator } from '../emulators/gcp-logging';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { late, started } from './late';

export type GcpAuditEmulators = { logging: GcpLoggingEmulator; sm: GcpSecretManagerEmulator; smClient: v1.SecretManagerServiceClient };

/**
 * Starts them before the block's tests (Secret Manager with these project numbers), resets
 * both before each test with Data Access logs on, and closes them after.
 */
export function useGcpAuditEmulators(projectNumbers: Record<string, string>): GcpAuditEmulators {
  let emulators: GcpAuditEmulators | undefined;
  const get = () => started(emulators, 'the GCP audit log emulators');
  beforeAll(async () => {
    const logging = await startGcpLoggingEmulator();
    const sm = await startGcpSecretManagerEmulator({ projectNumbers, onCall: logging.recordSecretManagerCall });
    const smClient = new v1.SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: sm.port, sslCreds: grpc.credentials.createInsecure() });
    emulators = { logging, sm, smClient };
  });
  afterAll(async () => {
    await emulators?.smClient.close();
    await emulators?.sm.close();
    await emulators?.logging.close();
  });
  beforeEach(() => {
    const { logging, sm } = get();
    logging.reset();
    sm.reset();
    logging.setDataAccessLogs(true);
  });
  return { logging: late(() => get().logging), sm: late(() => get().sm), smClient: late(() => get().smClient) };
}
