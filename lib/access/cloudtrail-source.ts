// Reads Secrets Manager events from CloudTrail LookupEvents (cloud-apis.md A.5): one
// lookup attribute (EventSource), a time window inside the last 90 days, every page,
// paced under 2 requests/s. Parses each CloudTrailEvent record into identifiers only.
import 'server-only';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsSecretKey } from './identifiers';
import type { AccessEventInput } from './types';

export type CloudTrailScope = { region: string; roleArn: string | null };

export function cloudTrailClient(scope: CloudTrailScope, endpoint?: string): CloudTrailClient {
  return new CloudTrailClient({
    region: scope.region,
    ...(endpoint ? { endpoint } : {}),
    // Throttling is handled by the pacer (back off, resume next run), not by SDK retries.
    maxAttempts: 1,
    ...(scope.roleArn
      ? {
          credentials: fromTemporaryCredentials({
            params: { RoleArn: scope.roleArn, RoleSessionName: 'secret-inventory-access-history' },
            clientConfig: { region: scope.region },
          }),
        }
      : {}),
  });
}

export const isCloudTrailThrottle = (error: unknown) =>
  (error as { name?: string })?.name === 'ThrottlingException' || (error as { name?: string })?.name === 'TooManyRequestsException';

type Record_ = {
  eventID?: string;
  eventTime?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  requestID?: string;
  errorCode?: string;
  readOnly?: boolean;
  userIdentity?: { type?: string; arn?: string; aRN?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
  requestParameters?: { secretId?: string; name?: string; versionId?: string; versionStage?: string } | null;
};

/** One LookupEvents event → our input, or null when it names no secret. */
export function parseCloudTrailEvent(
  event: { EventId?: string; EventTime?: Date; CloudTrailEvent?: string },
  scope: { region: string },
): AccessEventInput | null {
  let record: Record_;
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '{}') as Record_;
  } catch {
    return null;
  }
  const secretRef = record.requestParameters?.secretId ?? record.requestParameters?.name;
  const eventId = record.eventID ?? event.EventId;
  if (!secretRef || !eventId) return null;
  const identity = record.userIdentity ?? {};
  const key = awsSecretKey(secretRef);
  // Before February 2024 some Secrets Manager events spelled it "aRN".
  const arn = identity.arn ?? identity.aRN ?? '';
  // A role session is reported as the role: sessions change, the role is the reader.
  const principal = identity.type === 'AssumedRole' ? (identity.sessionContext?.sessionIssuer?.arn ?? arn) : arn;
  return {
    providerEventId: eventId,
    occurredAt: record.eventTime ? new Date(record.eventTime) : (event.EventTime ?? new Date(0)),
    eventName: record.eventName ?? 'unknown',
    principal,
    principalType: identity.type ?? '',
    sourceIp: record.sourceIPAddress ?? null,
    userAgent: record.userAgent ? record.userAgent.slice(0, 512) : null,
    secretRef,
    errorCode: record.errorCode ?? null,
    summary: {
      region: record.awsRegion ?? null,
      requestId: record.requestID ?? null,
      sessionArn: identity.type === 'AssumedRole' ? arn : null,
      versionId: record.requestParameters?.versionId ?? null,
      versionStage: record.requestParameters?.versionStage ?? null,
      readOnly: record.readOnly ?? null,
    },
    keys: key.region && key.region !== scope.region ? [] : key.candidates,
  };
}

/** Every page of Secrets Manager events in [start, end], newest first. */
export async function* cloudTrailPages(
  client: CloudTrailClient,
  window: { start: Date; end: Date },
  call: <T>(work: () => Promise<T>, isThrottle: (e: unknown) => boolean) => Promise<T>,
): AsyncGenerator<{ EventId?: string; EventTime?: Date; CloudTrailEvent?: string }[]> {
  let token: string | undefined;
  do {
    const out = await call(
      () =>
        client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'secretsmanager.amazonaws.com' }],
            StartTime: window.start,
            EndTime: window.end,
            MaxResults: 50,
            NextToken: token,
          }),
        ),
      isCloudTrailThrottle,
    );
    yield out.Events ?? [];
    token = out.NextToken;
  } while (token);
}
