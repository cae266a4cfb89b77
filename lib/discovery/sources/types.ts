// What a provider listing hands to a scan: one provider secret's metadata (never a value),
// in the columns of discovered_secrets, and one page of them with the token of the next.

export type DiscoveredInput = {
  /** AWS: the name; GCP: the secret id (lib/discovery/provider-key.ts). */
  providerKey: string;
  resourceName: string;
  description: string;
  labels: Record<string, string>;
  annotations: Record<string, string> | null;
  rotationEnabled: boolean | null;
  rotationSchedule: string | null;
  nextRotationAt: Date | null;
  lastRotatedAt: Date | null;
  createdAtProvider: Date | null;
  lastChangedAt: Date | null;
  lastAccessedAt: Date | null;
  deletionAt: Date | null;
  expireAt: Date | null;
  replication: string | null;
  currentVersionId: string | null;
  versionCount: number | null;
  newestVersionAt: Date | null;
};

export type DiscoveryPage = { items: DiscoveredInput[]; nextToken: string | null };

/**
 * Runs one provider call under the scan's pacer: it counts the call, backs off while
 * `isThrottle` says the provider throttled, and throws ThrottledError when it still does.
 */
export type PacedCall = <T>(work: () => Promise<T>, isThrottle: (error: unknown) => boolean) => Promise<T>;

export interface DiscoverySource {
  /** One page of the listing, from the start (null) or a token an earlier page returned. */
  page(token: string | null, call: PacedCall): Promise<DiscoveryPage>;
  close(): void;
}
