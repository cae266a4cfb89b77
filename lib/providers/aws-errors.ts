// Rewrites whatever the AWS SDK throws into a ProviderError. AWS error messages can echo
// request fields, so this module reads only the error's name, code and HTTP status and
// writes its own message; the SDK's message never leaves here.
import 'server-only';
import { ProviderError, type ProviderErrorCode } from './errors';
import { EgressRefusedError } from '@/lib/net/egress';

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  message?: unknown;
}

const MESSAGES = {
  credentials:
    'The dashboard has no AWS credentials. Give its runtime an identity (instance or task role, web identity, or AWS_* environment), then test the connection again.',
  denied:
    "The dashboard's AWS identity is not allowed to do this. Grant it the Secrets Manager permission for this secret (and kms:Decrypt/Encrypt on its key), then try again.",
  signature: "AWS did not accept the dashboard's credentials (unknown key, bad signature or expired token). Check the identity the dashboard runs as.",
  kms: 'AWS could not use the KMS key of this secret. Check the key policy for the dashboard identity, then try again.',
  markedDeleted:
    'AWS refused the change: the secret is scheduled for deletion or in a state that does not allow it. Restore the secret in AWS (or use another name), then try again.',
  exists: 'AWS reports that this secret or version already exists. Reload and try again.',
  limit: 'AWS refused the change because a Secrets Manager quota would be exceeded (for example too many versions). Try again later or clean up old versions.',
  invalid: 'AWS rejected the request as invalid. Check the provider reference and the value (at most 64 KiB).',
  pageToken: 'AWS rejected a paging token. Reload and try again.',
} as const;

const CODE_RULES: [ProviderErrorCode, string | undefined, readonly string[]][] = [
  ['not_found', undefined, ['ResourceNotFoundException']],
  ['permission_denied', MESSAGES.denied, ['AccessDeniedException', 'AccessDenied', 'NotAuthorized', 'UnauthorizedOperation']],
  [
    'permission_denied',
    MESSAGES.signature,
    [
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
      'ExpiredTokenException',
      'ExpiredToken',
      'InvalidClientTokenId',
      'IncompleteSignature',
    ],
  ],
  ['permission_denied', MESSAGES.credentials, ['CredentialsProviderError']],
  ['permission_denied', MESSAGES.kms, ['EncryptionFailure', 'DecryptionFailure']],
  ['throttled', undefined, ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']],
  ['unavailable', undefined, ['InternalServiceError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']],
  ['timeout', undefined, ['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']],
  ['conflict', MESSAGES.markedDeleted, ['InvalidRequestException']],
  ['conflict', MESSAGES.exists, ['ResourceExistsException']],
  ['invalid', MESSAGES.limit, ['LimitExceededException']],
  [
    'invalid',
    MESSAGES.invalid,
    ['InvalidParameterException', 'ValidationException', 'SerializationException', 'MalformedPolicyDocumentException', 'PreconditionNotMetException'],
  ],
  ['unknown', MESSAGES.pageToken, ['InvalidNextTokenException']],
];

/** Socket-level failures of the Node HTTP stack: the service was never reached. */
const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'];

/** The SDK error's name (e.g. ResourceNotFoundException), or undefined. Safe to log. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as SdkErrorShape | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // Our own refusal (lib/net/egress.ts), its message written by us.
  if (error instanceof EgressRefusedError) return new ProviderError('refused', error.message, error.code);
  const shape = (error ?? {}) as SdkErrorShape;
  const name = awsErrorName(error) ?? 'Error';
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const providerCode = code && (name === 'Error' || NETWORK_CODES.includes(code) || code === 'ETIMEDOUT') ? code : name;

  // The Node HTTP handler renames ECONNRESET/EPIPE failures to TimeoutError (to get them
  // retried); the socket code says what happened, so it decides before the name does.
  if (code === 'ETIMEDOUT') return new ProviderError('timeout', undefined, providerCode);
  if (code !== undefined && NETWORK_CODES.includes(code)) return new ProviderError('unavailable', undefined, providerCode);
  for (const [ourCode, message, names] of CODE_RULES) {
    if (names.includes(name) || (code !== undefined && names.includes(code))) return new ProviderError(ourCode, message, providerCode);
  }
  // Read only to classify, never passed on: Node's HTTP client says "socket hang up" without a code.
  if (typeof shape.message === 'string' && /socket hang up/i.test(shape.message)) return new ProviderError('unavailable', undefined, providerCode);
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    if (status >= 500) return new ProviderError('unavailable', undefined, providerCode);
    if (status === 429) return new ProviderError('throttled', undefined, providerCode);
    if (status === 403 || status === 401) return new ProviderError('permission_denied', MESSAGES.denied, providerCode);
    if (status === 404) return new ProviderError('not_found', undefined, providerCode);
  }
  return new ProviderError('unknown', undefined, providerCode);
}
