import { describe, expect, it } from 'vitest';
import { parseRoleMap, roleFromGroups } from './role-mapping';

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
