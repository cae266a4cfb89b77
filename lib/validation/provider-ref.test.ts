import { describe, expect, it } from 'vitest';
import { defaultProviderRef, providerRefProblem, refOutsideConnection } from './provider-ref';

describe('providerRefProblem', () => {
  it('accepts AWS names and Secrets Manager ARNs, and nothing else', () => {
    for (const ref of ['prod/db', 'a+b=c.d@e-f_g', 'x'.repeat(512), 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf']) {
      expect(providerRefProblem('aws', ref), ref).toBeNull();
    }
    for (const ref of ['has space', '', 'x'.repeat(513), 'arn:aws:s3:::bucket', 'prod:db']) {
      expect(providerRefProblem('aws', ref), ref).toMatch(/^For AWS use a secret name/);
    }
  });

  it('accepts GCP secret ids and full resource names, with or without a location', () => {
    for (const ref of ['db-password', 'DB_PASSWORD', 'projects/acme-prod/secrets/db', 'projects/123456/locations/europe-west1/secrets/db']) {
      expect(providerRefProblem('gcp', ref), ref).toBeNull();
    }
    for (const ref of ['prod/db', 'db.password', 'projects/acme/secrets/', 'projects/acme/topics/x', 'x'.repeat(256)]) {
      expect(providerRefProblem('gcp', ref), ref).toMatch(/^For GCP use a secret id/);
    }
  });

  it('accepts local names of letters, digits and / _ . -', () => {
    expect(providerRefProblem('local', 'payments/db.password_1-a')).toBeNull();
    expect(providerRefProblem('local', 'pay@ments')).toMatch(/^For the local provider/);
  });
});

describe('defaultProviderRef', () => {
  it('joins environment and name the way each provider allows', () => {
    expect(defaultProviderRef('aws', 'production', 'payments-db')).toBe('production/payments-db');
    expect(defaultProviderRef('local', 'development', 'payments/db')).toBe('development/payments/db');
    expect(defaultProviderRef('gcp', 'production', 'payments/db password')).toBe('production-payments-db-password');
  });

  it('replaces characters the provider refuses, so the default is always valid', () => {
    for (const kind of ['aws', 'gcp', 'local'] as const) {
      const ref = defaultProviderRef(kind, 'staging', 'Stripe API key: live+1@x');
      expect(providerRefProblem(kind, ref), `${kind}: ${ref}`).toBeNull();
    }
    expect(defaultProviderRef('aws', 'staging', 'key: live')).toBe('staging/key--live');
    expect(defaultProviderRef('gcp', 'p', 'x'.repeat(300))).toHaveLength(255);
  });
});

describe('refOutsideConnection', () => {
  const aws = { kind: 'aws' as const, region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/inventory' };
  it('keeps AWS ARNs inside the connection region and the role account; names are always inside', () => {
    expect(refOutsideConnection(aws, 'prod/db')).toBeNull();
    expect(refOutsideConnection(aws, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf')).toBeNull();
    expect(refOutsideConnection(aws, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf')).toMatch(/region us-east-1/);
    expect(refOutsideConnection(aws, 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:other-AbCdEf')).toMatch(/account 999999999999/);
    // Without a role the account is unknown: the region still bounds it.
    expect(refOutsideConnection({ kind: 'aws', region: 'eu-west-1' }, 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:x')).toBeNull();
    expect(refOutsideConnection({ kind: 'aws', region: 'eu-west-1' }, 'arn:aws:secretsmanager:eu-central-1:999999999999:secret:x')).toMatch(/region/);
  });

  it('keeps GCP resource names inside the connection project and location', () => {
    const gcp = { kind: 'gcp' as const, projectId: 'acme-prod', location: null };
    expect(refOutsideConnection(gcp, 'db-password')).toBeNull();
    expect(refOutsideConnection(gcp, 'projects/acme-prod/secrets/db')).toBeNull();
    expect(refOutsideConnection(gcp, 'projects/acme-billing/secrets/db')).toMatch(/project acme-billing/);
    expect(refOutsideConnection(gcp, 'projects/acme-prod/locations/europe-west1/secrets/db')).toMatch(/location europe-west1/);
    const regional = { kind: 'gcp' as const, projectId: 'acme-prod', location: 'europe-west1' };
    expect(refOutsideConnection(regional, 'projects/acme-prod/locations/europe-west1/secrets/db')).toBeNull();
    expect(refOutsideConnection(regional, 'projects/acme-prod/secrets/db')).toMatch(/global/);
  });
});
