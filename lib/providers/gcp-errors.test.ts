import { describe, expect, test } from 'vitest';
import { status } from '@grpc/grpc-js';
import { gcpProviderError } from './gcp-errors';
import { ProviderError } from './errors';

const SDK_TEXT = 'server text that must never surface: hunter2';
const sdkError = (code: number) => Object.assign(new Error(`${code} ${status[code]}: ${SDK_TEXT}`), { code, details: SDK_TEXT });

describe('gcpProviderError', () => {
  test.each([
    [status.NOT_FOUND, 'not_found'],
    [status.PERMISSION_DENIED, 'permission_denied'],
    [status.UNAUTHENTICATED, 'permission_denied'],
    [status.RESOURCE_EXHAUSTED, 'throttled'],
    [status.UNAVAILABLE, 'unavailable'],
    [status.INTERNAL, 'unavailable'],
    [status.DEADLINE_EXCEEDED, 'timeout'],
    [status.CANCELLED, 'timeout'],
    [status.FAILED_PRECONDITION, 'conflict'],
    [status.ABORTED, 'conflict'],
    [status.ALREADY_EXISTS, 'conflict'],
    [status.INVALID_ARGUMENT, 'invalid'],
    [status.UNKNOWN, 'unknown'],
    [status.UNIMPLEMENTED, 'unknown'],
  ])('gRPC status %i becomes %s with its name as providerCode and our own message', (code, expected) => {
    const error = gcpProviderError(sdkError(code), 'write');
    expect(error.code).toBe(expected);
    expect(error.providerCode).toBe(status[code]);
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(error.cause).toBeUndefined();
  });

  test('FAILED_PRECONDITION on enable/disable says the version is destroyed', () => {
    expect(gcpProviderError(sdkError(status.FAILED_PRECONDITION), 'set-state').message).toMatch(/destroyed/);
  });

  test('missing Application Default Credentials are a permission problem; other plain errors are unknown', () => {
    const noAdc = gcpProviderError(new Error('Could not load the default credentials. Browse to https://…'), 'test');
    expect(noAdc).toMatchObject({ code: 'permission_denied', providerCode: 'NO_CREDENTIALS' });
    expect(gcpProviderError(new TypeError(SDK_TEXT), 'write')).toMatchObject({ code: 'unknown', providerCode: undefined });
  });

  test('a ProviderError passes through unchanged', () => {
    const original = new ProviderError('invalid', 'ours');
    expect(gcpProviderError(original, 'write')).toBe(original);
  });
});
