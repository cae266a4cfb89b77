import { describe, expect, it } from 'vitest';
import { parseTeamMap, teamNamesFromGroups } from './team-mapping';

describe('OIDC_TEAM_MAP', () => {
  it('maps groups to team names; a group may give several teams; names keep spaces, commas and "="', () => {
    const map = 'payments-eng=Payments;cn=ops,ou=groups=Platform Ops;payments-eng=Billing, EU';
    expect([...parseTeamMap(map)]).toEqual([
      ['payments-eng', ['Payments', 'Billing, EU']],
      ['cn=ops,ou=groups', ['Platform Ops']],
    ]);
    expect(teamNamesFromGroups(['cn=ops,ou=groups', 'payments-eng', 'unmapped'], map)).toEqual(['Billing, EU', 'Payments', 'Platform Ops']);
    expect(teamNamesFromGroups([], map)).toEqual([]);
  });

  it('refuses a malformed pair with the pair named', () => {
    expect(() => parseTeamMap('payments-eng')).toThrow('OIDC_TEAM_MAP: "payments-eng" is not group=team name');
    expect(() => parseTeamMap('=Payments')).toThrow(/is not group=team name/);
  });
});
