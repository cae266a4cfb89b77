// Lists an AWS connection's secrets for discovery: ListSecrets with IncludePlannedDeletion
// (secrets scheduled for deletion still exist and still matter), 100 per page, metadata
// only. Never GetSecretValue. The client is built like the adapter's (egress policy for an
// endpoint override, the optional role) but with one attempt per call: throttling is the
// scan's pacer's to back off from, and a failed page is retried by the next job.
import 'server-only';
import { ListSecretsCommand, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from '@/lib/providers/aws';
import { providerKeyOf } from '../provider-key';
import type { DiscoveredInput, DiscoverySource, PacedCall } from './types';

const CURRENT = 'AWSCURRENT';

export const isAwsThrottle = (error: unknown) => ['ThrottlingException', 'TooManyRequestsException'].includes((error as { name?: string })?.name ?? '');

export function awsDiscoverySource(config: { region: string; roleArn: string | null; endpoint: string | null }, timeoutMs: number): DiscoverySource {
  const client = secretsManagerClient({ kind: 'aws', ...config }, { timeoutMs, maxAttempts: 1 });
  return {
    async page(token: string | null, call: PacedCall) {
      const out = await call(
        () =>
          client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, MaxResults: 100, ...(token ? { NextToken: token } : {}) }), {
            abortSignal: AbortSignal.timeout(timeoutMs),
          }),
        isAwsThrottle,
      );
      return { items: (out.SecretList ?? []).filter((s) => s.Name).map(awsEntry), nextToken: out.NextToken ?? null };
    },
    close: () => client.destroy(),
  };
}

/** "rate(10 days)", "cron(...)" as AWS has it, or "every N days"; with the rotation window. */
function scheduleOf(rules: SecretListEntry['RotationRules']): string | null {
  if (!rules) return null;
  const every = rules.ScheduleExpression ?? (rules.AutomaticallyAfterDays ? `every ${rules.AutomaticallyAfterDays} days` : null);
  if (!every) return null;
  return rules.Duration ? `${every}, window ${rules.Duration}` : every;
}

export function awsEntry(s: SecretListEntry): DiscoveredInput {
  const stages = s.SecretVersionsToStages ?? {};
  const current = Object.entries(stages).find(([, labels]) => labels.includes(CURRENT))?.[0] ?? null;
  return {
    providerKey: providerKeyOf('aws', s.Name!),
    resourceName: s.ARN ?? s.Name!,
    description: s.Description ?? '',
    labels: Object.fromEntries((s.Tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ''])),
    annotations: null,
    rotationEnabled: s.RotationEnabled ?? null,
    rotationSchedule: scheduleOf(s.RotationRules),
    nextRotationAt: s.NextRotationDate ?? null,
    lastRotatedAt: s.LastRotatedDate ?? null,
    createdAtProvider: s.CreatedDate ?? null,
    lastChangedAt: s.LastChangedDate ?? null,
    lastAccessedAt: s.LastAccessedDate ?? null,
    deletionAt: s.DeletedDate ?? null,
    expireAt: null,
    // ListSecrets carries PrimaryRegion only (set on replicated secrets); the replica list
    // (ReplicationStatus) would take a DescribeSecret per secret, which a scan does not make.
    replication: s.PrimaryRegion ? `primary ${s.PrimaryRegion}` : null,
    currentVersionId: current,
    // Labelled versions only: the listing has no others (deprecated ones are not in the map).
    versionCount: Object.keys(stages).length,
    newestVersionAt: null,
  };
}
