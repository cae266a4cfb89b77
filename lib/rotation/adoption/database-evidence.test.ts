import { describe, expect, it } from 'vitest';
import type { LiveSession } from '@/lib/rotation/database-engine';
import { databaseObservations } from './database-evidence';
import type { DeclaredConsumer } from './types';

const NOW = new Date('2026-12-07T10:00:00Z');
const OLD = 'orders_app_a';
const NEW = 'orders_app_b';
const session = (user: string, clientAddress: string, application: string, sessions = 1): LiveSession => ({
  user,
  clientAddress,
  application,
  sessions,
  since: null,
});
const orders: DeclaredConsumer = { systemId: 'sys-orders', name: 'orders-api', principals: ['app:orders-api'] };
const billing: DeclaredConsumer = { systemId: 'sys-billing', name: 'billing', principals: ['10.0.0.7'] };
const blind: DeclaredConsumer = { systemId: 'sys-blind', name: 'reports', principals: [] };
const observe = (sessions: LiveSession[], declared: DeclaredConsumer[] = [orders, billing, blind]) =>
  databaseObservations({ sessions, oldUser: OLD, newUser: NEW, declared, now: NOW });

describe('databaseObservations', () => {
  it('a consumer on the new user only has moved; one still holding old sessions is on the old value', () => {
    const [o, b, r] = observe([
      session(NEW, '10.0.0.5', 'orders-api', 3),
      session(NEW, '10.0.0.6', 'orders-api', 2),
      session(OLD, '10.0.0.7', 'billing-worker', 4),
      session(NEW, '10.0.0.7', 'billing-worker', 1),
    ]);
    expect(o).toEqual({
      key: 'system:sys-orders',
      systemId: 'sys-orders',
      label: 'orders-api',
      declared: true,
      observable: true,
      movedAt: NOW,
      onOld: false,
      oldSeenAt: null,
      evidence: { oldSessions: 0, newSessions: 5, clients: '10.0.0.5, 10.0.0.6', applications: 'orders-api' },
    });
    // Matched by client address; some of its sessions still log in as the old user.
    expect(b).toMatchObject({ key: 'system:sys-billing', movedAt: NOW, onOld: true, oldSeenAt: NOW, evidence: { oldSessions: 4, newSessions: 1 } });
    // A consumer with no principal cannot be observed.
    expect(r).toMatchObject({ key: 'system:sys-blind', observable: false, movedAt: null, onOld: false, oldSeenAt: null, evidence: { oldSessions: 0 } });
  });

  it('a consumer with no session at all is neither moved nor on the old value', () => {
    const [o] = observe([], [orders]);
    expect(o).toMatchObject({ movedAt: null, onOld: false, oldSeenAt: null, evidence: { oldSessions: 0, newSessions: 0, clients: '', applications: '' } });
  });

  it('groups no declared consumer claims become undeclared observations', () => {
    const out = observe([session(OLD, '10.0.0.9', 'cron', 2), session(OLD, '10.0.0.9', 'cron', 1), session(NEW, 'local', '')]);
    expect(out.slice(3)).toEqual([
      {
        key: 'session:10.0.0.9|cron',
        systemId: null,
        label: '10.0.0.9 · cron',
        declared: false,
        observable: true,
        movedAt: null,
        onOld: true,
        oldSeenAt: NOW,
        evidence: { oldSessions: 3, newSessions: 0, clients: '10.0.0.9', applications: 'cron' },
      },
      {
        key: 'session:local|',
        systemId: null,
        label: 'local',
        declared: false,
        observable: true,
        movedAt: NOW,
        onOld: false,
        oldSeenAt: null,
        evidence: { oldSessions: 0, newSessions: 1, clients: 'local', applications: '' },
      },
    ]);
  });

  it('ignores sessions of other users, and an empty application never matches', () => {
    const quiet: DeclaredConsumer = { systemId: 'sys-q', name: 'q', principals: [''] };
    const out = observe([session('postgres', '10.0.0.5', 'orders-api', 9), session(OLD, '10.0.0.8', '')], [orders, quiet]);
    expect(out[0]).toMatchObject({ movedAt: null, onOld: false, evidence: { oldSessions: 0, newSessions: 0 } });
    expect(out[1]).toMatchObject({ movedAt: null, onOld: false });
    expect(out.map((o) => o.key)).toEqual(['system:sys-orders', 'system:sys-q', 'session:10.0.0.8|']);
  });

  it('a group two consumers claim counts for both and is not undeclared', () => {
    const twin: DeclaredConsumer = { systemId: 'sys-twin', name: 'twin', principals: ['10.0.0.5'] };
    const out = observe([session(OLD, '10.0.0.5', 'orders-api')], [orders, twin]);
    expect(out).toHaveLength(2);
    expect(out.every((o) => o.onOld)).toBe(true);
  });
});
