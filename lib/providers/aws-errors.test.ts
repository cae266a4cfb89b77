// The AWS error names the emulator does not produce (credential, signature, timeout and
// socket failures) still map to the right ProviderError, and the SDK message never survives.
import { describe, expect, it } from 'vitest';
import { toProviderError } from './aws-errors';
import { ProviderError } from './errors';

const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`leaky message with value hunter2 (${name})`), { name, ...extra });

describe('toProviderError', () => {
  it.each([
    ['UnrecognizedClientException', 'permission_denied'],
    ['InvalidSignatureException', 'permission_denied'],
    ['ExpiredTokenException', 'permission_denied'],
    ['CredentialsProviderError', 'permission_denied'],
    ['DecryptionFailure', 'permission_denied'],
    ['TooManyRequestsException', 'throttled'],
    ['RequestLimitExceeded', 'throttled'],
    ['RequestTimeout', 'timeout'],
    ['TimeoutError', 'timeout'],
    ['AbortError', 'timeout'],
    ['InvalidRequestException', 'conflict'],
    ['ResourceExistsException', 'conflict'],
    ['LimitExceededException', 'invalid'],
    ['ValidationException', 'invalid'],
    ['SomethingNew', 'unknown'],
  ])('%s -> %s', (name, code) => {
    const error = toProviderError(sdkError(name));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe(code);
    expect(error.providerCode).toBe(name);
    expect(error.message).not.toContain('hunter2');
  });

  it('reads socket codes before the name the HTTP handler gave them', () => {
    expect(toProviderError(sdkError('TimeoutError', { code: 'ECONNRESET' }))).toMatchObject({ code: 'unavailable', providerCode: 'ECONNRESET' });
    expect(toProviderError(sdkError('Error', { code: 'ECONNREFUSED' }))).toMatchObject({ code: 'unavailable', providerCode: 'ECONNREFUSED' });
    expect(toProviderError(sdkError('TimeoutError', { code: 'ETIMEDOUT' }))).toMatchObject({ code: 'timeout' });
    expect(toProviderError(new Error('socket hang up'))).toMatchObject({ code: 'unavailable' });
  });

  it('falls back to the HTTP status for unmodelled errors', () => {
    expect(toProviderError(sdkError('Weird', { $metadata: { httpStatusCode: 502 } })).code).toBe('unavailable');
    expect(toProviderError(sdkError('Weird', { $metadata: { httpStatusCode: 403 } })).code).toBe('permission_denied');
  });

  it('passes a ProviderError through unchanged', () => {
    const original = new ProviderError('not_found', 'ours');
    expect(toProviderError(original)).toBe(original);
  });
});
