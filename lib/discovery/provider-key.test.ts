import { describe, expect, it } from 'vitest';
import { providerKeyOf } from './provider-key';

describe('providerKeyOf', () => {
  it('reduces a full AWS ARN to the secret name and keeps a bare name', () => {
    expect(providerKeyOf('aws', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments/db-AbC123')).toBe('prod/payments/db');
    expect(providerKeyOf('aws', ' prod/payments/db ')).toBe('prod/payments/db');
  });

  it('reduces a GCP resource name (with or without a location or version) to the secret id', () => {
    expect(providerKeyOf('gcp', 'projects/acme/secrets/db-password')).toBe('db-password');
    expect(providerKeyOf('gcp', 'projects/acme/locations/europe-west1/secrets/db-password/versions/3')).toBe('db-password');
    expect(providerKeyOf('gcp', 'db-password')).toBe('db-password');
  });

  it('trims other references', () => {
    expect(providerKeyOf('other', '  vault:kv/app  ')).toBe('vault:kv/app');
  });
});
