import { describe, expect, it } from 'vitest';
import { awsRoleKey, principalMatches } from './principals';

const ROLE = 'arn:aws:iam::123456789012:role/billing-api';

describe('principalMatches', () => {
  it('matches equal ARNs, case-sensitively', () => {
    expect(principalMatches('arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/alice')).toBe(true);
    expect(principalMatches('arn:aws:iam::123456789012:user/Alice', 'arn:aws:iam::123456789012:user/alice')).toBe(false);
    expect(principalMatches(ROLE, 'arn:aws:iam::123456789012:role/Billing-api')).toBe(false);
  });

  it('matches emails case-insensitively, with or without an IAM member prefix', () => {
    expect(principalMatches('Billing@acme.iam.gserviceaccount.com', 'billing@acme.iam.gserviceaccount.com')).toBe(true);
    expect(principalMatches('serviceAccount:billing@acme.iam.gserviceaccount.com', 'billing@acme.iam.gserviceaccount.com')).toBe(true);
    expect(principalMatches('user:Ann@acme.com', 'ann@acme.com')).toBe(true);
    expect(principalMatches('ann@acme.com', 'anne@acme.com')).toBe(false);
  });

  it('matches an assumed-role session with its role, path-qualified or not', () => {
    const session = 'arn:aws:sts::123456789012:assumed-role/billing-api/i-0abc';
    expect(principalMatches(ROLE, session)).toBe(true);
    expect(principalMatches('arn:aws:iam::123456789012:role/service/team/billing-api', session)).toBe(true);
    expect(principalMatches(ROLE, 'arn:aws:iam::123456789012:role/service/billing-api')).toBe(true);
    expect(principalMatches(session, ROLE)).toBe(true);
    // Another account, another role, another partition, a user of the same name: no.
    expect(principalMatches(ROLE, 'arn:aws:sts::999999999999:assumed-role/billing-api/i-0abc')).toBe(false);
    expect(principalMatches(ROLE, 'arn:aws:sts::123456789012:assumed-role/billing-api-v2/i-0abc')).toBe(false);
    expect(principalMatches(ROLE, 'arn:aws-cn:sts::123456789012:assumed-role/billing-api/i-0abc')).toBe(false);
    expect(principalMatches(ROLE, 'arn:aws:iam::123456789012:user/billing-api')).toBe(false);
  });

  it('never matches an empty identity', () => {
    expect(principalMatches('', '')).toBe(false);
    expect(principalMatches(' ', 'x')).toBe(false);
    expect(principalMatches('x', '')).toBe(false);
  });

  it('keys roles and sessions alike', () => {
    expect(awsRoleKey('arn:aws:iam::123456789012:role/a/b/c')).toBe('aws:123456789012:c');
    expect(awsRoleKey('arn:aws-us-gov:sts::123456789012:assumed-role/c/s')).toBe('aws-us-gov:123456789012:c');
    expect(awsRoleKey('arn:aws:iam::123456789012:user/c')).toBeNull();
  });
});
