import { describe, expect, it } from 'vitest';
import { groupsFromClaim, parseRoleMap, roleFromGroups } from './role-mapping';

describe('roleFromGroups', () => {
  const map = 'sec-admins=admin; sec-engineers = engineer;leads=viewer\naudit=auditor';

  it('picks the most powerful role any group maps to', () => {
    expect(roleFromGroups(['leads', 'sec-engineers'], map)).toBe('engineer');
    expect(roleFromGroups(['audit', 'leads'], map)).toBe('auditor');
    expect(roleFromGroups(['sec-admins', 'leads'], map)).toBe('admin');
  });

  it('falls back to the default role, or refuses without one', () => {
    expect(roleFromGroups(['unmapped'], map, 'viewer')).toBe('viewer');
    expect(roleFromGroups(['unmapped'], map)).toBeNull();
    expect(roleFromGroups([], '')).toBeNull();
  });

  it('allows "=" inside group names (LDAP DNs) and rejects unknown roles', () => {
    const dn = parseRoleMap('cn=ops,ou=groups,dc=acme=engineer; cn=audit,dc=acme=auditor');
    expect(dn.get('cn=ops,ou=groups,dc=acme')).toBe('engineer');
    expect(dn.get('cn=audit,dc=acme')).toBe('auditor');
    expect(() => parseRoleMap('ops=superuser')).toThrow(/superuser/);
    expect(() => parseRoleMap('=admin')).toThrow();
  });
});

describe('groupsFromClaim', () => {
  it('takes an array of strings as it is', () => {
    expect(groupsFromClaim(['ops', 'cn=audit,dc=acme', 42, ''])).toEqual(['ops', 'cn=audit,dc=acme']);
  });

  it('reads a string as one group, never split on commas or spaces', () => {
    expect(groupsFromClaim('sec-viewers, sec-admins')).toEqual(['sec-viewers, sec-admins']);
    expect(groupsFromClaim('cn=ops,ou=groups,dc=acme')).toEqual(['cn=ops,ou=groups,dc=acme']);
    expect(roleFromGroups(groupsFromClaim('sec-viewers, sec-admins'), 'sec-admins=admin;sec-viewers=viewer')).toBeNull();
  });

  it('reads a JSON array given as a string', () => {
    expect(groupsFromClaim('["sec-admins","ops"]')).toEqual(['sec-admins', 'ops']);
    expect(groupsFromClaim('[not json')).toEqual(['[not json']);
  });

  it('has no groups for a missing or odd claim', () => {
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim('')).toEqual([]);
    expect(groupsFromClaim({ ops: true })).toEqual([]);
  });
});
