import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZConnectionInput } from './provider-connection';

const errorsOf = (raw: unknown) => {
  const result = ZConnectionInput.safeParse(raw);
  if (result.success) throw new Error('expected a failure');
  return z.flattenError(result.error).fieldErrors as Record<string, string[] | undefined>;
};

describe('ZConnectionInput', () => {
  it('accepts an AWS connection with form-shaped input, trimming and dropping blanks', () => {
    expect(ZConnectionInput.parse({ kind: 'aws', name: ' Prod account ', region: ' eu-central-2 ', roleArn: '', endpoint: '' })).toEqual({
      kind: 'aws',
      name: 'Prod account',
      region: 'eu-central-2',
    });
  });

  it('accepts AWS regions of every partition and role ARNs with paths', () => {
    for (const region of ['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4', 'us-iso-east-1']) {
      expect(ZConnectionInput.safeParse({ kind: 'aws', name: 'a', region }).success, region).toBe(true);
    }
    for (const roleArn of [
      'arn:aws:iam::123456789012:role/secrets-dashboard',
      'arn:aws-us-gov:iam::123456789012:role/path/to/role+x=y,z.w@v-1',
      'arn:aws-cn:iam::123456789012:role/r',
    ]) {
      expect(ZConnectionInput.safeParse({ kind: 'aws', name: 'a', region: 'us-east-1', roleArn }).success, roleArn).toBe(true);
    }
  });

  it('explains bad AWS fields one by one', () => {
    expect(errorsOf({ kind: 'aws', name: '', region: 'eu west 1', roleArn: 'arn:aws:iam::123:role/x', endpoint: 'ftp://x' })).toEqual({
      name: ['Enter a name'],
      region: ['Use an AWS region code such as us-east-1, eu-central-2 or us-gov-west-1'],
      roleArn: ['Use an IAM role ARN such as arn:aws:iam::123456789012:role/secrets-dashboard'],
      endpoint: ['The endpoint must start with https:// or http://'],
    });
    expect(errorsOf({ kind: 'aws', name: 'a' }).region).toEqual(['Enter the AWS region, e.g. eu-west-1']);
    expect(errorsOf({ kind: 'aws', name: 'a', region: 'us-east-1', roleArn: 'arn:aws:iam::123456789012:user/bob' }).roleArn).toHaveLength(1);
  });

  it('takes http(s) endpoints without credentials, stored without a trailing slash', () => {
    const parsed = ZConnectionInput.parse({ kind: 'gcp', name: 'g', projectId: 'acme-prod', endpoint: 'http://127.0.0.1:8085/' });
    expect(parsed).toMatchObject({ endpoint: 'http://127.0.0.1:8085' });
    expect(errorsOf({ kind: 'gcp', name: 'g', projectId: 'acme-prod', endpoint: 'not a url' }).endpoint).toEqual([
      'Enter a full URL starting with https:// or http://',
    ]);
    expect(errorsOf({ kind: 'aws', name: 'g', region: 'us-east-1', endpoint: 'https://user:pw@vpce.example' }).endpoint).toEqual([
      'The endpoint must not contain a user name or password: no credentials are stored',
    ]);
  });

  it('accepts a GCP connection and checks project id and location', () => {
    expect(ZConnectionInput.parse({ kind: 'gcp', name: 'GCP prod', projectId: 'acme-prod', location: 'europe-west1' })).toEqual({
      kind: 'gcp',
      name: 'GCP prod',
      projectId: 'acme-prod',
      location: 'europe-west1',
    });
    for (const projectId of ['Acme-prod', 'acme', '1acme-prod', 'acme-prod-', 'a'.repeat(31)]) {
      expect(errorsOf({ kind: 'gcp', name: 'g', projectId }).projectId, projectId).toHaveLength(1);
    }
    expect(errorsOf({ kind: 'gcp', name: 'g', projectId: 'acme-prod', location: 'Europe West' }).location).toEqual([
      'Use a GCP location such as europe-west1 or us-central1, or leave it empty for global secrets',
    ]);
  });

  it('accepts a local connection with just a name and drops fields of other kinds', () => {
    expect(ZConnectionInput.parse({ kind: 'local', name: 'Dev', region: 'us-east-1', projectId: 'x' })).toEqual({
      kind: 'local',
      name: 'Dev',
    });
  });

  it('asks for a kind when none or an unknown one is given', () => {
    for (const kind of [undefined, '', 'azure']) {
      expect(errorsOf({ kind, name: 'x' })).toEqual({ kind: ['Choose the kind of connection: AWS, GCP or local development'] });
    }
  });

  it('reports every missing field of an empty form at once, not only the kind', () => {
    const KIND = ['Choose the kind of connection: AWS, GCP or local development'];
    // What the new-connection form sends when submitted untouched.
    expect(errorsOf({ name: '', kind: '' })).toEqual({ name: ['Enter a name'], kind: KIND });
    expect(errorsOf({})).toEqual({ name: ['Enter a name'], kind: KIND });
    // Once a kind is chosen, its own required fields join the name.
    expect(errorsOf({ name: '', kind: 'aws', region: '', roleArn: '', endpoint: '' })).toEqual({
      name: ['Enter a name'],
      region: ['Enter the AWS region, e.g. eu-west-1'],
    });
    expect(errorsOf({ name: ' ', kind: 'gcp', projectId: '', location: '', endpoint: '' })).toEqual({
      name: ['Enter a name'],
      projectId: ['Enter the GCP project id, e.g. acme-prod'],
    });
  });

  it("keeps the editor's expectedUpdatedAt beside the kind's fields", () => {
    expect(ZConnectionInput.parse({ kind: 'aws', name: 'a', region: 'us-east-1', expectedUpdatedAt: '2026-12-01T10:00:00.000Z' })).toEqual({
      kind: 'aws',
      name: 'a',
      region: 'us-east-1',
      expectedUpdatedAt: '2026-12-01T10:00:00.000Z',
    });
  });

  it('refuses multi-line and over-long names', () => {
    expect(errorsOf({ kind: 'local', name: 'a\nb' }).name).toEqual(['Names must be a single line of text']);
    expect(errorsOf({ kind: 'local', name: 'x'.repeat(101) }).name).toEqual(['Names are at most 100 characters']);
  });
});
