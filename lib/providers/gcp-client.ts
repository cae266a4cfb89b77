// Builds the Secret Manager SDK client for a GCP connection and keeps one per endpoint:
// a client owns a gRPC channel (and, against Google, a TLS session and token cache), so
// reusing it across requests is what Google recommends. Credentials are never stored.
//
// Two rules for an endpoint override, which a person typed:
// - The server's Google identity (Application Default Credentials) is sent only to Google
//   API hosts (*.googleapis.com) and hosts the operator lists in GCP_TRUSTED_ENDPOINTS.
//   An http:// endpoint (an emulator) gets no credentials at all; an https:// endpoint
//   elsewhere is refused rather than handed a token.
// - It passes the egress policy (lib/net/egress.ts). gRPC resolves names itself and offers
//   no hook on the address it connects to, so the host is resolved and checked here, at
//   every call, and the channel is pinned to the checked address (TLS still verifies the
//   typed host name): a name that re-resolves elsewhere meanwhile is never connected to.
import 'server-only';
import { v1 } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { env } from '@/lib/env';
import { EgressRefusedError, resolveEgress } from '@/lib/net/egress';
import { ProviderError } from './errors';
import { gcpProviderError } from './gcp-errors';
import { DASHBOARD_CALLER } from './own-identity';
import type { ConnectionConfig } from './types';

type GcpConfig = Extract<ConnectionConfig, { kind: 'gcp' }>;
type ClientOptions = NonNullable<ConstructorParameters<typeof v1.SecretManagerServiceClient>[0]>;

/**
 * Ready clients by key. The promise is kept, so concurrent first calls share one
 * initialization; a client that could not start is forgotten, so the next call tries again
 * (the credentials may have been provided meanwhile).
 */
export class ReadyClients<C> {
  readonly #clients = new Map<string, Promise<C>>();
  readonly #close: (client: C) => Promise<void>;

  constructor(close: (client: C) => Promise<void>) {
    this.#close = close;
  }

  get(key: string): Promise<C> | undefined {
    return this.#clients.get(key);
  }

  /** Keeps `client` under `key` (until it fails to start); returns it. */
  add(key: string, client: Promise<C>): Promise<C> {
    this.#clients.set(key, client);
    client.catch(() => {
      if (this.#clients.get(key) === client) this.#clients.delete(key);
    });
    return client;
  }

  /** Closes every kept client (tests, and a clean shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(all.map(async (c) => this.#close(await c)));
  }
}

const clients = new ReadyClients<v1.SecretManagerServiceClient>((client) => client.close());

/**
 * Resolves once a generated (GAPIC) client's stub exists; rejects, handled, when it cannot be
 * made. Why this is awaited before any call: every generated method starts with
 * `this.initialize().catch((err) => { throw err; })`, a promise nobody handles. When stub
 * creation fails (no Application Default Credentials for a Google endpoint), each call
 * therefore raises an unhandled rejection, which ends a Node process, besides failing
 * the call. A client whose initialize() has resolved never takes that path again; one
 * whose initialize() rejected is closed and never used (its rejected stub is cached).
 */
export async function readyGapicClient<C extends { initialize(): Promise<unknown>; close(): Promise<void> }>(client: C): Promise<C> {
  try {
    await client.initialize();
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw gcpProviderError(error, 'read');
  }
}

/**
 * Client options for an endpoint that gets no Google credentials (an emulator over http://).
 * The universe domain is stated because the SDK otherwise looks it up in Application Default
 * Credentials before the first call, and that lookup probes for the cloud metadata server
 * (a MetadataLookupWarning on a machine outside Google Cloud) for credentials never sent.
 */
export const WITHOUT_GOOGLE_AUTH = { sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' };

export const UNTRUSTED_ENDPOINT_MESSAGE =
  "This https:// endpoint is not a Google API host (*.googleapis.com), so the dashboard's Google identity token would be sent to it. " +
  'An operator can trust it with GCP_TRUSTED_ENDPOINTS; an emulator uses http://.';

/** May the server's Google identity token be sent to `hostname`? */
export function gcpTokenHostTrusted(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host.endsWith('.googleapis.com') || env().GCP_TRUSTED_ENDPOINTS.includes(host);
}

/** The parsed endpoint override; refused when an https:// host may not receive tokens. */
export function gcpEndpoint(endpoint: string): { url: URL; secure: boolean } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ProviderError('invalid', 'The connection endpoint is not a URL. Use http://host:port or https://host[:port].');
  }
  if (url.protocol === 'http:') return { url, secure: false };
  if (url.protocol !== 'https:') throw new ProviderError('invalid', 'The connection endpoint must start with http:// or https://.');
  if (!gcpTokenHostTrusted(url.hostname)) throw new ProviderError('refused', UNTRUSTED_ENDPOINT_MESSAGE);
  return { url, secure: true };
}

/** Where the client connects, from the connection's endpoint override or location. */
export async function gcpClientOptions(config: Pick<GcpConfig, 'endpoint' | 'location'>): Promise<ClientOptions> {
  if (config.endpoint) {
    const { url, secure } = gcpEndpoint(config.endpoint);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let address: string;
    try {
      // resolveEgress returns at least one address or throws.
      address = (await resolveEgress(host))[0]!.address;
    } catch (error) {
      if (error instanceof EgressRefusedError) throw new ProviderError('refused', error.message, error.code);
      throw new ProviderError('unavailable', 'The connection endpoint could not be resolved. Check its host name.');
    }
    const port = Number(url.port || (secure ? 443 : 80));
    const pinned = {
      apiEndpoint: address.includes(':') ? `[${address}]` : address,
      port,
      // The typed host stays the TLS name and the :authority, as if gRPC had resolved it.
      'grpc.default_authority': url.port ? `${url.hostname}:${port}` : url.hostname,
      ...(secure && host !== address ? { 'grpc.ssl_target_name_override': host } : {}),
    };
    // Plain gRPC without Google auth (sslCreds replaces the token-bearing credentials): an emulator.
    return secure ? pinned : { ...pinned, ...WITHOUT_GOOGLE_AUTH };
  }
  if (config.location) return { apiEndpoint: `secretmanager.${config.location}.rep.googleapis.com` };
  return {};
}

export async function gcpClient(config: Pick<GcpConfig, 'endpoint' | 'location'>): Promise<v1.SecretManagerServiceClient> {
  // Access history leaves the dashboard's own reads out by this user agent (./own-identity.ts).
  const options: ClientOptions = { ...(await gcpClientOptions(config)), 'grpc.primary_user_agent': DASHBOARD_CALLER };
  const key = JSON.stringify([
    options.sslCreds ? 'insecure' : 'tls',
    options.apiEndpoint ?? 'default',
    options.port ?? '',
    options['grpc.default_authority'] ?? '',
  ]);
  return clients.get(key) ?? clients.add(key, readyGapicClient(new v1.SecretManagerServiceClient(options)));
}

/** Closes every cached client (tests, and a clean shutdown). */
export function closeGcpClients(): Promise<void> {
  return clients.closeAll();
}
