import { describe, expect, it } from 'vitest';
import { decideGrace, stragglersOf, type AdoptionRow, type GraceFacts } from './decide';

const T = new Date('2026-12-07T10:00:00Z');
const at = (hours: number) => new Date(T.getTime() + hours * 3_600_000);
const facts = (over: Partial<GraceFacts> = {}): GraceFacts => ({
  now: T,
  graceEndsAt: at(24),
  graceHours: 24,
  policy: 'retire',
  graceExtendedAt: null,
  heldAt: null,
  pollMs: 60_000,
  observable: true,
  ...over,
});
const moved: AdoptionRow = { label: 'orders-api', declared: true, observable: true, movedAt: T, onOld: false };
const onOld: AdoptionRow = { label: 'billing', declared: true, observable: true, movedAt: null, onOld: true };
const blind: AdoptionRow = { label: 'reports', declared: true, observable: false, movedAt: null, onOld: false };
const stranger: AdoptionRow = { label: '10.0.0.9 · cron', declared: false, observable: true, movedAt: null, onOld: true };
const strangerGone: AdoptionRow = { ...stranger, onOld: false };

describe('stragglers', () => {
  it('are declared consumers not seen moved (or still on the old value, or unobservable) and undeclared readers on the old value', () => {
    expect(stragglersOf([moved, onOld, blind, stranger, strangerGone])).toEqual(['10.0.0.9 · cron', 'billing', 'reports']);
    expect(stragglersOf([{ ...moved, onOld: true }])).toEqual(['orders-api']);
    expect(stragglersOf([moved, strangerGone])).toEqual([]);
  });
});

describe('decideGrace', () => {
  it('retires early when every declared consumer moved', () => {
    expect(decideGrace([moved, strangerGone], facts())).toEqual({ kind: 'retire', decision: 'all_moved', stragglers: [] });
  });

  it('does not count "all moved" with nothing declared, or with an undeclared reader on the old value', () => {
    expect(decideGrace([], facts())).toMatchObject({ kind: 'wait' });
    expect(decideGrace([strangerGone], facts())).toMatchObject({ kind: 'wait' });
    expect(decideGrace([moved, stranger], facts())).toMatchObject({ kind: 'wait' });
  });

  it('waits for the next look, or for the end of the grace period when nothing can be observed', () => {
    expect(decideGrace([onOld], facts())).toEqual({ kind: 'wait', until: new Date(T.getTime() + 60_000) });
    expect(decideGrace([blind], facts({ observable: false }))).toEqual({ kind: 'wait', until: at(24) });
    expect(decideGrace([onOld], facts({ graceEndsAt: new Date(T.getTime() + 1_000) }))).toEqual({ kind: 'wait', until: new Date(T.getTime() + 1_000) });
  });

  it('at the end of the grace period without stragglers retires as it always did', () => {
    expect(decideGrace([], facts({ now: at(24) }))).toEqual({ kind: 'retire', decision: 'grace_over', stragglers: [] });
    expect(decideGrace([strangerGone], facts({ now: at(25) }))).toEqual({ kind: 'retire', decision: 'grace_over', stragglers: [] });
  });

  it('with stragglers: policy retire retires them with the list', () => {
    expect(decideGrace([onOld, blind], facts({ now: at(24) }))).toEqual({ kind: 'retire', decision: 'stragglers_retired', stragglers: ['billing', 'reports'] });
  });

  it('with stragglers: extend_once extends once by the grace hours, then retires', () => {
    expect(decideGrace([onOld], facts({ now: at(24), policy: 'extend_once' }))).toEqual({ kind: 'extend', graceEndsAt: at(48), stragglers: ['billing'] });
    expect(decideGrace([onOld], facts({ now: at(48), graceEndsAt: at(48), policy: 'extend_once', graceExtendedAt: at(24) }))).toEqual({
      kind: 'retire',
      decision: 'stragglers_retired',
      stragglers: ['billing'],
    });
  });

  it('with stragglers: hold holds (once) and keeps looking; when they move it retires', () => {
    const now = at(24);
    expect(decideGrace([onOld], facts({ now, policy: 'hold' }))).toEqual({
      kind: 'hold',
      first: true,
      stragglers: ['billing'],
      until: new Date(now.getTime() + 60_000),
    });
    expect(decideGrace([onOld], facts({ now, policy: 'hold', heldAt: now }))).toMatchObject({ kind: 'hold', first: false });
    expect(decideGrace([moved], facts({ now: at(30), policy: 'hold', heldAt: now }))).toEqual({ kind: 'retire', decision: 'all_moved', stragglers: [] });
  });

  it('lists at most 50 stragglers', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ ...onOld, label: `system-${String(i).padStart(2, '0')}` }));
    const decision = decideGrace(many, facts({ now: at(24) }));
    expect(decision.kind === 'retire' && decision.stragglers).toHaveLength(50);
  });
});
