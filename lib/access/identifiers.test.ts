import { describe, expect, it } from 'vitest';
import { awsRefName, awsSecretKey, gcpInScope, gcpRefId, gcpSecretKey } from './identifiers';

describe('AWS secret identifiers', () => {
  const full = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-a1B2c3';
  it('reduces a name, a partial ARN and a full ARN to the same name', () => {
    expect(awsSecretKey('prod/db')).toEqual({ candidates: ['prod/db'], region: null });
    expect(awsSecretKey('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db')).toEqual({ candidates: ['prod/db'], region: 'eu-west-1' });
    expect(awsSecretKey(full)).toEqual({ candidates: ['prod/db', 'prod/db-a1B2c3'], region: 'eu-west-1' });
    expect(awsRefName(full)).toBe('prod/db');
    expect(awsRefName(' prod/db ')).toBe('prod/db');
  });
  it('keeps a name that merely ends in a dash and six characters as a second candidate', () => {
    // A partial ARN of "svc-abcdef" is indistinguishable from a full ARN of "svc".
    expect(awsSecretKey('arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc-abcdef').candidates).toEqual(['svc', 'svc-abcdef']);
    expect(awsSecretKey('svc-abcdef').candidates).toEqual(['svc-abcdef']);
  });
  it('understands the China and GovCloud partitions', () => {
    expect(awsSecretKey('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf').candidates[0]).toBe('x');
  });
});

describe('GCP secret identifiers', () => {
  it('reads the id from version and secret names, by project number or id, global or regional', () => {
    expect(gcpSecretKey('projects/555000111222/secrets/db/versions/3')).toEqual({ project: '555000111222', location: null, secretId: 'db', version: '3' });
    expect(gcpSecretKey('projects/acme/locations/europe-west1/secrets/db/versions/latest')).toEqual({
      project: 'acme',
      location: 'europe-west1',
      secretId: 'db',
      version: 'latest',
    });
    expect(gcpSecretKey('projects/acme/topics/x')).toBeNull();
    expect(gcpRefId('projects/acme/secrets/db')).toBe('db');
    expect(gcpRefId('db')).toBe('db');
  });
  it("accepts a project number (unmappable here) or the connection's own id, and the same location", () => {
    const scope = { projectId: 'acme', location: null };
    expect(gcpInScope(gcpSecretKey('projects/555/secrets/db/versions/1')!, scope)).toBe(true);
    expect(gcpInScope(gcpSecretKey('projects/acme/secrets/db/versions/1')!, scope)).toBe(true);
    expect(gcpInScope(gcpSecretKey('projects/other/secrets/db/versions/1')!, scope)).toBe(false);
    expect(gcpInScope(gcpSecretKey('projects/acme/locations/us-east1/secrets/db/versions/1')!, scope)).toBe(false);
  });
});
