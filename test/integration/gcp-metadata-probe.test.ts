// A GCP connection to an emulator (an http:// endpoint) gets no Google credentials, so its
// clients must not look for them either: that lookup probes for the cloud metadata server
// and prints a MetadataLookupWarning on every machine outside Google Cloud. Here the
// metadata server address is a loopback listener that counts connections and drops them.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeLoggingClients, loggingClient } from '@/lib/access/audit-log-source';
import { closeGcpClients, gcpClient } from '@/lib/providers/gcp-client';
import { startGcpLoggingEmulator, type GcpLoggingEmulator } from '../emulators/gcp-logging';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';

let metadata: Server;
let probes = 0;
let sm: GcpSecretManagerEmulator;
let logging: GcpLoggingEmulator;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  metadata = createServer((socket) => {
    probes++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  // test/setup-env.ts turns detection off for every test; this one needs the SDK's default.
  delete process.env.METADATA_SERVER_DETECTION;
  process.env.GCE_METADATA_HOST = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  process.on('warning', onWarning);
  sm = await startGcpSecretManagerEmulator();
  logging = await startGcpLoggingEmulator();
});
afterAll(async () => {
  process.off('warning', onWarning);
  await closeGcpClients();
  await closeLoggingClients();
  await sm.close();
  await logging.close();
  await new Promise<void>((resolve) => metadata.close(() => resolve()));
});

it('clients of an emulator connection never probe for the metadata server', async () => {
  const secrets = await gcpClient({ endpoint: sm.endpoint, location: null });
  const [list] = await secrets.listSecrets({ parent: 'projects/acme' });
  expect(list).toEqual([]);
  const [entries] = await (await loggingClient('acme', logging.endpoint)).getEntries({ pageSize: 1 });
  expect(entries).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(probes).toBe(0);
  expect(warnings.map((w) => w.name)).not.toContain('MetadataLookupWarning');
});
