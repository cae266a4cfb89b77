// Provider failures, rewritten before they surface. SDK error messages can echo request
// fields, so adapters never pass them through: they map the SDK's code to one of these
// and a message written here, for the person at the form.
export type ProviderErrorCode =
  'not_found' | 'permission_denied' | 'throttled' | 'unavailable' | 'timeout' | 'conflict' | 'invalid' | 'unsupported' | 'refused' | 'unknown';

const DEFAULT_MESSAGES: Record<ProviderErrorCode, string> = {
  not_found: 'The provider has no such secret or version. Check the provider reference on the secret.',
  permission_denied: "The dashboard's cloud identity is not allowed to do this. Grant it the secret manager permission for this secret, then try again.",
  throttled: 'The provider is rate-limiting requests. Wait a minute and try again.',
  unavailable: 'The provider could not be reached. Check the connection (Settings → Providers) and try again.',
  timeout: 'The provider did not answer in time. The write may or may not have happened; submitting again is safe.',
  conflict: 'The provider refused the change because the secret changed meanwhile. Reload and try again.',
  invalid: 'The provider rejected the request as invalid.',
  unsupported: 'This provider does not support that operation.',
  refused:
    "The server may not connect to this connection's endpoint (a loopback, private, link-local or cloud metadata address). An operator can allow it with EGRESS_ALLOW.",
  unknown: 'The provider returned an unexpected error. Nothing was recorded; try again or check the provider.',
};

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string = DEFAULT_MESSAGES[code],
    /** The SDK's error name (e.g. ResourceNotFoundException), for logs. Never its message. */
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export function defaultProviderMessage(code: ProviderErrorCode): string {
  return DEFAULT_MESSAGES[code];
}
