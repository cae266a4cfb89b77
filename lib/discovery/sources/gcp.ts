// Lists a GCP connection's secrets for discovery: ListSecrets under the connection's
// parent (regional when it has a location, as lib/providers does), large pages, then per
// secret ListSecretVersions (every page, a few secrets at a time) for the version a plain
// read returns, how many versions hold data and when the newest was written. Metadata
// only: never AccessSecretVersion. No SDK retries (as the adapter): the scan's pacer backs
// off from RESOURCE_EXHAUSTED, and a failed page is retried by the next job.
import 'server-only';
import type { protos } from '@google-cloud/secret-manager';
import { gcpClient } from '@/lib/providers/gcp-client';
import { gcpParent } from '@/lib/providers/gcp-names';
import { providerKeyOf } from '../provider-key';
import type { DiscoveredInput, DiscoverySource, PacedCall } from './types';

type Secret = protos.google.cloud.secretmanager.v1.ISecret;
type Version = protos.google.cloud.secretmanager.v1.ISecretVersion;
type Timestamp = protos.google.protobuf.ITimestamp | null | undefined;

/** gRPC RESOURCE_EXHAUSTED (a quota) or HTTP 429. */
export const isGcpThrottle = (error: unknown) => [8, 429].includes(Number((error as { code?: unknown })?.code));
const isNotFound = (error: unknown) => Number((error as { code?: unknown })?.code) === 5;

export type GcpSourceOptions = { timeoutMs: number; pageSize?: number; versionConcurrency?: number };

export function gcpDiscoverySource(
  config: { projectId: string; location: string | null; endpoint: string | null },
  options: GcpSourceOptions,
): DiscoverySource {
  const callOptions = { timeout: options.timeoutMs, retry: null, autoPaginate: false } as const;
  const pageSize = options.pageSize ?? 1000;
  const concurrency = options.versionConcurrency ?? 8;
  return {
    async page(token: string | null, call: PacedCall) {
      const parent = gcpParent(config);
      const client = await gcpClient(config);
      const [secrets, , response] = await call(
        () => client.listSecrets({ parent, pageSize, ...(token ? { pageToken: token } : {}) }, callOptions),
        isGcpThrottle,
      );
      const items = await mapLimit(secrets, concurrency, async (secret) => {
        const versions = await allVersions(secret.name!, call, (request) => client.listSecretVersions(request, callOptions));
        return gcpEntry(secret, versions, config.location);
      });
      return { items: items.filter((i) => i !== null), nextToken: response?.nextPageToken || null };
    },
    // Clients are shared per endpoint (lib/providers/gcp-client.ts) and stay open.
    close: () => {},
  };
}

type ListVersions = (request: {
  parent: string;
  pageSize: number;
  pageToken?: string;
}) => Promise<[Version[], unknown, { nextPageToken?: string | null } | null | undefined]>;

/** Every version of one secret; null when the secret was deleted since it was listed. */
async function allVersions(parent: string, call: PacedCall, list: ListVersions): Promise<Version[] | null> {
  const out: Version[] = [];
  let pageToken: string | undefined;
  try {
    do {
      const [versions, , response] = await call(() => list({ parent, pageSize: 1000, ...(pageToken ? { pageToken } : {}) }), isGcpThrottle);
      out.push(...versions);
      pageToken = response?.nextPageToken || undefined;
    } while (pageToken);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

function toDate(ts: Timestamp): Date | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

const numberOf = (name: string | null | undefined) => Number(/\/versions\/(\d+)$/.exec(name ?? '')?.[1] ?? 0);

/** "every 30 days", "every 12 hours" or seconds, as the period allows. */
function periodText(period: protos.google.protobuf.IDuration | null | undefined): string | null {
  const seconds = Number(period?.seconds ?? 0);
  if (!seconds) return null;
  if (seconds % 86_400 === 0) return `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} hours`;
  return `every ${seconds} seconds`;
}

function replicationOf(secret: Secret, location: string | null): string | null {
  if (secret.replication?.automatic) return 'automatic';
  const replicas = (secret.replication?.userManaged?.replicas ?? []).map((r) => r.location).filter((l): l is string => Boolean(l));
  if (replicas.length) return replicas.join(', ');
  // A regional secret lives in its connection's location.
  return location;
}

export function gcpEntry(secret: Secret, versions: Version[] | null, location: string | null): DiscoveredInput | null {
  const id = providerKeyOf('gcp', secret.name ?? '');
  if (!secret.name || !id) return null;
  const kept = (versions ?? []).filter((v) => String(v.state) !== 'DESTROYED');
  const byNumber = [...(versions ?? [])].sort((a, b) => numberOf(b.name) - numberOf(a.name));
  // A plain read (`latest`) returns the newest version; the newest ENABLED one is what a
  // reader gets when it picks enabled versions, and what "current" means on our pages.
  const current = byNumber.find((v) => String(v.state) === 'ENABLED');
  const rotation = secret.rotation;
  const next = toDate(rotation?.nextRotationTime);
  const schedule = periodText(rotation?.rotationPeriod);
  return {
    providerKey: id,
    resourceName: secret.name,
    description: '',
    labels: { ...(secret.labels ?? {}) },
    annotations: { ...(secret.annotations ?? {}) },
    rotationEnabled: next || schedule ? true : null,
    rotationSchedule: schedule,
    nextRotationAt: next,
    lastRotatedAt: null,
    createdAtProvider: toDate(secret.createTime),
    lastChangedAt: null,
    lastAccessedAt: null,
    deletionAt: null,
    expireAt: toDate(secret.expireTime),
    replication: replicationOf(secret, location),
    currentVersionId: current ? String(numberOf(current.name)) : null,
    versionCount: versions ? kept.length : null,
    // The newest write, whatever that version's state now (destroyed ones included).
    newestVersionAt: byNumber.length ? toDate(byNumber[0].createTime) : null,
  };
}
