import { describe, expect, test } from 'vitest';
import { gcpLabels, gcpParent, gcpSecretName, secretIdOf, splitSecretName, versionNumberOf } from './gcp-names';
import { ProviderError } from './errors';

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

describe('gcpLabels', () => {
  test('fits keys and values into GCP label rules', () => {
    const out = gcpLabels({ 'Managed-By': 'Secret Inventory', '9lives': 'Ünïcode/Value', ['k'.repeat(80)]: 'v'.repeat(80), '': 'dropped' });
    expect(out).toEqual({
      'managed-by': 'secret_inventory',
      k_9lives: 'ünïcode_value',
      ['k'.repeat(63)]: 'v'.repeat(63),
    });
    for (const [k, v] of Object.entries(out)) {
      expect(k).toMatch(LABEL_KEY);
      expect(v).toMatch(LABEL_VALUE);
    }
  });

  test('keys that clash after fitting keep the first value; at most 64 labels', () => {
    expect(gcpLabels({ Team: 'a', team: 'b' })).toEqual({ team: 'a' });
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(gcpLabels(many))).toHaveLength(64);
  });
});

describe('names', () => {
  test('a secret id becomes a global or regional resource name; a full name is kept', () => {
    expect(gcpSecretName({ projectId: 'p' }, 'db')).toBe('projects/p/secrets/db');
    expect(gcpSecretName({ projectId: 'p', location: 'europe-west1' }, 'db')).toBe('projects/p/locations/europe-west1/secrets/db');
    expect(gcpSecretName({ projectId: 'p' }, 'projects/123/secrets/db')).toBe('projects/123/secrets/db');
  });

  test('bad refs, project ids and locations are invalid', () => {
    for (const [scope, ref] of [
      [{ projectId: 'p' }, 'a/b'],
      [{ projectId: 'p' }, 'projects/p/secrets/db/versions/1'],
      [{ projectId: '' }, 'db'],
      [{ projectId: 'p/x' }, 'db'],
      [{ projectId: 'p', location: 'EU West' }, 'db'],
    ] as const) {
      expect(() => gcpSecretName(scope, ref)).toThrow(ProviderError);
    }
    expect(() => gcpParent({ projectId: '' })).toThrow(ProviderError);
  });

  test('ids are read from names, never compared literally', () => {
    expect(secretIdOf('projects/123/secrets/db/versions/4')).toBe('db');
    expect(versionNumberOf('projects/123/locations/l/secrets/db/versions/4')).toBe('4');
    expect(splitSecretName('projects/p/locations/l/secrets/db')).toEqual({ parent: 'projects/p/locations/l', secretId: 'db' });
  });
});
