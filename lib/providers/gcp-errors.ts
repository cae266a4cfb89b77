// Rewrites a failure from the GCP Secret Manager client into a ProviderError. The SDK's
// message is never used: a gRPC status message comes from the server (or from a proxy on
// the way) and may echo request fields, so only the numeric status code is read and the
// message is written here. The status name is kept as providerCode for logs.
import 'server-only';
import { status } from '@grpc/grpc-js';
import { ProviderError, type ProviderErrorCode } from './errors';

/** What the adapter was doing, so a conflict can say what it means for that operation. */
export type GcpOperation = 'write' | 'list' | 'set-state' | 'test' | 'read' | 'rotate' | 'labels';

const CODE_FOR_STATUS: Partial<Record<status, ProviderErrorCode>> = {
  [status.NOT_FOUND]: 'not_found',
  [status.PERMISSION_DENIED]: 'permission_denied',
  [status.UNAUTHENTICATED]: 'permission_denied',
  [status.RESOURCE_EXHAUSTED]: 'throttled',
  [status.UNAVAILABLE]: 'unavailable',
  [status.INTERNAL]: 'unavailable',
  [status.DEADLINE_EXCEEDED]: 'timeout',
  [status.CANCELLED]: 'timeout',
  [status.FAILED_PRECONDITION]: 'conflict',
  [status.ABORTED]: 'conflict',
  [status.ALREADY_EXISTS]: 'conflict',
  [status.INVALID_ARGUMENT]: 'invalid',
};

const MESSAGES: Partial<Record<ProviderErrorCode, string>> = {
  not_found: 'GCP Secret Manager has no such secret or version. Check the provider reference on the secret.',
  permission_denied:
    "The dashboard's Google identity may not do this. Grant it a Secret Manager role on this secret or project (e.g. Secret Manager Secret Version Adder), then try again.",
  throttled: 'GCP Secret Manager is rate-limiting requests. Wait a minute and try again.',
  unavailable: 'GCP Secret Manager could not be reached or failed. Check the connection (Settings → Providers) and try again.',
  invalid: 'GCP Secret Manager rejected the request as invalid (secret id, labels or value size).',
};

const TIMEOUT_MESSAGE: Record<GcpOperation, string> = {
  write: 'GCP Secret Manager did not answer in time. The version may or may not have been added; submitting again is safe.',
  list: 'GCP Secret Manager did not answer in time. Try again.',
  'set-state': 'GCP Secret Manager did not answer in time. The version state may or may not have changed; reload to see it.',
  test: 'GCP Secret Manager did not answer in time.',
  read: 'GCP Secret Manager did not answer in time. Try again.',
  rotate: 'GCP Secret Manager did not answer in time. The rotation step may or may not have happened; running it again is safe.',
  labels: 'GCP Secret Manager did not answer in time. The labels may or may not have changed; writing them again is safe.',
};

const CONFLICT_MESSAGE: Record<GcpOperation, string> = {
  write: 'GCP Secret Manager refused the write because the secret changed meanwhile. Reload and try again.',
  list: 'GCP Secret Manager refused the request because the secret changed meanwhile. Reload and try again.',
  'set-state': 'This version is destroyed: GCP Secret Manager cannot enable or disable a destroyed version.',
  test: 'GCP Secret Manager refused the request.',
  read: 'This version is disabled or destroyed: GCP Secret Manager reads enabled versions only.',
  rotate: 'GCP Secret Manager refused the change: the version is destroyed or the secret changed meanwhile. Reload the versions.',
  labels: 'GCP Secret Manager refused the labels because the secret changed meanwhile. Try again.',
};

/** The gRPC status code of an SDK error, if it has one. */
export function grpcStatusOf(error: unknown): status | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && status[code] !== undefined ? (code as status) : undefined;
}

export function gcpProviderError(error: unknown, operation: GcpOperation): ProviderError {
  if (error instanceof ProviderError) return error;
  const grpcStatus = grpcStatusOf(error);
  if (grpcStatus === undefined) {
    // google-auth-library throws plain errors before any call is made when no Application
    // Default Credentials exist; recognised by their text, which is never shown.
    const text = error instanceof Error ? error.message : '';
    if (/default credentials/i.test(text)) {
      return new ProviderError(
        'permission_denied',
        'No Google credentials were found. Give the dashboard Application Default Credentials (workload identity, an attached service account or GOOGLE_APPLICATION_CREDENTIALS).',
        'NO_CREDENTIALS',
      );
    }
    return new ProviderError('unknown');
  }
  const providerCode = status[grpcStatus];
  const code = CODE_FOR_STATUS[grpcStatus] ?? 'unknown';
  if (code === 'timeout') return new ProviderError(code, TIMEOUT_MESSAGE[operation], providerCode);
  if (code === 'conflict') return new ProviderError(code, CONFLICT_MESSAGE[operation], providerCode);
  return new ProviderError(code, MESSAGES[code], providerCode);
}
