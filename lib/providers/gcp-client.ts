// Builds the Secret Manager SDK client for a GCP connection and keeps one per endpoint:
// a client owns a gRPC channel (and, against Google, a TLS session and token cache), so
// reusing it across requests is what Google recommends. Credentials are never stored:
// without an http:// endpoint the SDK uses Application Default Credentials.
import 'server-only';
import { v1 } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { ProviderError } from './errors';
import type { ConnectionConfig } from './types';

type GcpConfig = Extract<ConnectionConfig, { kind: 'gcp' }>;
type ClientOptions = NonNullable<ConstructorParameters<typeof v1.SecretManagerServiceClient>[0]>;

const clients = new Map<string, v1.SecretManagerServiceClient>();

/** Where the client connects, from the connection's endpoint override or location. */
export function gcpClientOptions(config: Pick<GcpConfig, 'endpoint' | 'location'>): ClientOptions {
  if (config.endpoint) {
    let url: URL;
    try {
      url = new URL(config.endpoint);
    } catch {
      throw new ProviderError('invalid', 'The connection endpoint is not a URL. Use http://host:port or https://host[:port].');
    }
    if (url.protocol === 'http:') {
      // Plain gRPC without Google auth: an emulator or a local proxy.
      return { apiEndpoint: url.hostname, port: Number(url.port || 80), sslCreds: grpc.credentials.createInsecure() };
    }
    if (url.protocol === 'https:') {
      return { apiEndpoint: url.hostname, port: Number(url.port || 443) };
    }
    throw new ProviderError('invalid', 'The connection endpoint must start with http:// or https://.');
  }
  if (config.location) return { apiEndpoint: `secretmanager.${config.location}.rep.googleapis.com` };
  return {};
}

export function gcpClient(config: Pick<GcpConfig, 'endpoint' | 'location'>): v1.SecretManagerServiceClient {
  const options = gcpClientOptions(config);
  const key = `${options.sslCreds ? 'insecure' : 'tls'}|${options.apiEndpoint ?? 'default'}|${options.port ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = new v1.SecretManagerServiceClient(options);
    clients.set(key, client);
  }
  return client;
}

/** Closes every cached client (tests, and a clean shutdown). */
export async function closeGcpClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}
