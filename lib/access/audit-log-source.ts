// Reads Secret Manager entries from Cloud Audit Logs with the Logging API's entries.list
// (cloud-apis.md B.6): filter on protoPayload.serviceName and timestamp, oldest first,
// every page. AccessSecretVersion lands in the Data Access log, which is off unless the
// project turned it on; Admin Activity (writes) is always on. Each entry's protoPayload
// (an Any holding a google.cloud.audit.AuditLog) is decoded into identifiers only.
import 'server-only';
import { Logging } from '@google-cloud/logging';
import { ProviderError } from '@/lib/providers/errors';
import { ReadyClients, readyGapicClient, WITHOUT_GOOGLE_AUTH } from '@/lib/providers/gcp-client';
import { AUDIT_LOG_TYPE_URL, decodeAuditLog } from './audit-log-wire';
import { gcpInScope, gcpSecretKey } from './identifiers';
import type { AccessEventInput } from './types';

type GapicService = { initialize(): Promise<unknown>; close(): Promise<void> };
/** The generated Logging API client inside the handwritten one (typed loosely upstream). */
const serviceOf = (client: Logging) => (client as unknown as { loggingService: GapicService }).loggingService;

const clients = new ReadyClients<Logging>((client) => serviceOf(client).close());

/**
 * A Logging client whose generated service client has started (readyGapicClient: a stub
 * that cannot be made, e.g. no Google credentials, would otherwise surface as an unhandled
 * rejection on every call). A client that could not start is not kept.
 */
export function loggingClient(projectId: string, endpoint?: string): Promise<Logging> {
  const key = `${projectId}|${endpoint ?? ''}`;
  const cached = clients.get(key);
  if (cached) return cached;
  const options: Record<string, unknown> = { projectId };
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return Promise.reject(new ProviderError('invalid', 'The logging endpoint (CLOUD_LOGGING_ENDPOINT) is not a URL.'));
    }
    if (url.protocol === 'http:') Object.assign(options, { apiEndpoint: url.hostname, port: Number(url.port || 80), ...WITHOUT_GOOGLE_AUTH });
    else if (url.protocol === 'https:') Object.assign(options, { apiEndpoint: url.hostname, port: Number(url.port || 443) });
    else return Promise.reject(new ProviderError('invalid', 'The logging endpoint must start with http:// or https://.'));
  }
  const logging = new Logging(options);
  return clients.add(
    key,
    readyGapicClient(serviceOf(logging)).then(() => logging),
  );
}

export function closeLoggingClients(): Promise<void> {
  return clients.closeAll();
}

// gRPC RESOURCE_EXHAUSTED (Logging's read quota) or HTTP 429.
export const isLoggingThrottle = (error: unknown) => [8, 429].includes(Number((error as { code?: unknown })?.code));

const GRPC_CODES: Record<number, string> = {
  1: 'CANCELLED',
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

export const isDataAccessLog = (logName: string) => /(%2F|\/)data_access$/.test(logName);

type EntryMetadata = { logName?: string | null; insertId?: string | null; timestamp?: unknown; protoPayload?: unknown };

/** One log entry → our input, or null when it is not a Secret Manager audit record. */
export function parseAuditEntry(metadata: EntryMetadata, scope: { projectId: string; location: string | null }): AccessEventInput | null {
  const any = metadata.protoPayload as { type_url?: string; typeUrl?: string; value?: Uint8Array } | undefined;
  if (!any?.value || (any.type_url ?? any.typeUrl) !== AUDIT_LOG_TYPE_URL || !metadata.insertId) return null;
  let audit;
  try {
    audit = decodeAuditLog(any.value);
  } catch {
    return null;
  }
  const resourceName = audit.resourceName ?? '';
  const key = gcpSecretKey(resourceName);
  if (!key) return null;
  const occurredAt = metadata.timestamp instanceof Date ? metadata.timestamp : new Date(String(metadata.timestamp));
  const principal = audit.authenticationInfo?.principalEmail ?? audit.authenticationInfo?.principalSubject ?? '';
  const code = audit.status?.code ?? 0;
  return {
    // insertId is unique per log and timestamp; the pair identifies the entry.
    providerEventId: `${occurredAt.toISOString()}/${metadata.insertId}`,
    occurredAt,
    eventName: (audit.methodName ?? 'unknown').split('.').pop() ?? 'unknown',
    principal,
    principalType: principal.endsWith('.gserviceaccount.com') ? 'serviceAccount' : principal ? 'user' : '',
    sourceIp: audit.requestMetadata?.callerIp ?? null,
    userAgent: audit.requestMetadata?.callerSuppliedUserAgent?.slice(0, 512) ?? null,
    secretRef: resourceName,
    errorCode: code ? (GRPC_CODES[code] ?? String(code)) : null,
    summary: { logName: metadata.logName ?? null, version: key.version, project: key.project },
    keys: gcpInScope(key, scope) ? [key.secretId] : [],
  };
}

/** Every page of Secret Manager audit entries at or after `start`, oldest first. */
export async function* auditLogPages(
  client: Logging,
  projectId: string,
  start: Date,
  call: <T>(work: () => Promise<T>, isThrottle: (e: unknown) => boolean) => Promise<T>,
  pageSize = 1000,
  timeoutMs = 60_000,
): AsyncGenerator<EntryMetadata[]> {
  const filter = `protoPayload.serviceName="secretmanager.googleapis.com" AND timestamp>="${start.toISOString()}"`;
  let pageToken: string | undefined;
  do {
    const [entries, , response] = await call(
      () =>
        client.getEntries({
          resourceNames: [`projects/${projectId}`],
          filter,
          orderBy: 'timestamp asc',
          pageSize,
          pageToken,
          autoPaginate: false,
          // One deadline per page and no SDK retries (its default retries UNAVAILABLE for a
          // minute): a run that fails is resumed by the next one, as with CloudTrail.
          gaxOptions: { timeout: timeoutMs, retry: null },
        }),
      isLoggingThrottle,
    );
    yield entries.map((e) => e.metadata as EntryMetadata);
    pageToken = (response as { nextPageToken?: string | null } | undefined)?.nextPageToken || undefined;
  } while (pageToken);
}
