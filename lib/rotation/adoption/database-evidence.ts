// Adoption evidence for alternating database users: the database's own list of live
// sessions (pg_stat_activity / information_schema.processlist, via DatabaseEngine.liveSessions),
// grouped by client address and application. Pure: the caller reads the sessions.
//
// A declared consumer is known by a principal app:<application name> naming a group's
// application (when the driver sets one) or equal to its client address. A consumer with a session as the new user has
// moved; one with a session as the old user is still on the old value, now. Groups no
// declared consumer claims are undeclared observations. Sessions of other users are ignored.
import type { LiveSession } from '@/lib/rotation/database-engine';
import { APPLICATION_PRINCIPAL_PREFIX } from '@/lib/validation/principals';
import type { DeclaredConsumer, Observation } from './types';

export type DatabaseEvidenceInput = { sessions: LiveSession[]; oldUser: string; newUser: string; declared: DeclaredConsumer[]; now: Date };

type Group = { clientAddress: string; application: string; oldSessions: number; newSessions: number };

function groupsOf(sessions: LiveSession[], oldUser: string, newUser: string): Group[] {
  const groups = new Map<string, Group>();
  for (const s of sessions) {
    const isOld = s.user === oldUser;
    const isNew = s.user === newUser;
    if (!isOld && !isNew) continue;
    const key = `${s.clientAddress}|${s.application}`;
    const group = groups.get(key) ?? { clientAddress: s.clientAddress, application: s.application, oldSessions: 0, newSessions: 0 };
    groups.set(key, group);
    if (isOld) group.oldSessions += s.sessions;
    if (isNew) group.newSessions += s.sessions;
  }
  return [...groups.values()];
}

function claims(consumer: DeclaredConsumer, group: Group): boolean {
  return consumer.principals.some((p) => {
    const principal = p.trim();
    return (
      principal !== '' &&
      ((group.application !== '' && principal === `${APPLICATION_PRINCIPAL_PREFIX}${group.application}`) || principal === group.clientAddress)
    );
  });
}

function observe(base: Pick<Observation, 'key' | 'systemId' | 'label' | 'declared' | 'observable'>, groups: Group[], now: Date): Observation {
  const oldSessions = groups.reduce((n, g) => n + g.oldSessions, 0);
  const newSessions = groups.reduce((n, g) => n + g.newSessions, 0);
  const onOld = oldSessions > 0;
  const distinct = (values: string[]) => [...new Set(values.filter((v) => v !== ''))].sort().join(', ');
  return {
    ...base,
    movedAt: newSessions > 0 ? now : null,
    onOld,
    oldSeenAt: onOld ? now : null,
    evidence: {
      oldSessions,
      newSessions,
      clients: distinct(groups.map((g) => g.clientAddress)),
      applications: distinct(groups.map((g) => g.application)),
    },
  };
}

export function databaseObservations(input: DatabaseEvidenceInput): Observation[] {
  const groups = groupsOf(input.sessions, input.oldUser, input.newUser);
  const claimed = new Set<Group>();
  const out: Observation[] = [];
  for (const consumer of input.declared) {
    const mine = groups.filter((g) => claims(consumer, g));
    mine.forEach((g) => claimed.add(g));
    out.push(
      observe(
        { key: `system:${consumer.systemId}`, systemId: consumer.systemId, label: consumer.name, declared: true, observable: consumer.principals.length > 0 },
        mine,
        input.now,
      ),
    );
  }
  for (const g of groups) {
    if (claimed.has(g)) continue;
    const label = g.application ? `${g.clientAddress} · ${g.application}` : g.clientAddress;
    out.push(observe({ key: `session:${g.clientAddress}|${g.application}`, systemId: null, label, declared: false, observable: true }, [g], input.now));
  }
  return out;
}
