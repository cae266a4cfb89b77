// OIDC groups map to team memberships (OIDC_TEAM_MAP): added when a mapped group appears,
// removed when it goes, audited with the sign-in; memberships an admin added by hand stay.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callerFor } from '@/lib/auth/caller';
import { signInWithOidc } from '@/lib/auth/oidc';
import { db } from '@/lib/db';
import { seedTeam, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

process.env.OIDC_ROLE_MAP = 'eng=engineer';
process.env.OIDC_TEAM_MAP = 'payments-eng=OIDC Payments;ops=OIDC Ops;ops=OIDC Missing';
useTestDatabase();

const anonymous = () => callerFor(null, TEST_REQUEST);
const teamsOf = async (userId: string) =>
  (await db.teamMember.findMany({ where: { userId }, select: { source: true, team: { select: { name: true } } } }))
    .map((m) => `${m.team.name} (${m.source})`)
    .sort();

describe('teams from identity-provider groups', () => {
  it('follows the groups at each sign-in and keeps memberships an admin added', async () => {
    const payments = await seedTeam('OIDC Payments');
    await seedTeam('OIDC Ops');
    const handMade = await seedTeam();
    const subject = randomUUID();
    const email = `${subject.slice(0, 8)}@sso.example.test`;

    const first = await signInWithOidc(anonymous(), { subject, email, emailVerified: true, name: 'Sam', groups: ['eng', 'payments-eng', 'ops'] });
    if (!first.ok) throw new Error(first.reason);
    const userId = first.user.id;
    expect(await teamsOf(userId)).toEqual(['OIDC Ops (oidc)', 'OIDC Payments (oidc)']);
    const signIn = await db.auditEvent.findFirst({ where: { actorId: userId, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(signIn?.detail).toMatchObject({ teamsAdded: 'OIDC Ops, OIDC Payments', unknownTeams: 'OIDC Missing' });

    await db.teamMember.create({ data: { teamId: handMade.id, userId } }); // an admin's, by hand
    await signInWithOidc(anonymous(), { subject, email, emailVerified: true, name: 'Sam', groups: ['eng', 'payments-eng'] });
    expect(await teamsOf(userId)).toEqual(['OIDC Payments (oidc)', `${handMade.name} (manual)`].sort());
    const second = await db.auditEvent.findFirst({ where: { actorId: userId, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(second?.detail).toMatchObject({ teamsRemoved: 'OIDC Ops' });

    // A membership an admin made by hand is never turned into a group one, nor removed.
    await db.teamMember.deleteMany({ where: { userId, teamId: payments.id } });
    await db.teamMember.create({ data: { teamId: payments.id, userId } });
    await signInWithOidc(anonymous(), { subject, email, emailVerified: true, name: 'Sam', groups: ['eng'] });
    expect(await teamsOf(userId)).toEqual(['OIDC Payments (manual)', `${handMade.name} (manual)`].sort());
  });
});
