import { describe, expect, it } from 'vitest';
import type { RotationState, RotationStrategy } from '@/generated/prisma/enums';
import { canTake, IllegalTransition, isTerminal, nextState, OPEN_STATES, TERMINAL_STATES, type RotationEvent } from './state-machine';

const STATES: RotationState[] = [...OPEN_STATES, ...TERMINAL_STATES];
const EVENTS: RotationEvent[] = [
  'value_requested',
  'value_written',
  'verified',
  'promoted',
  'grace_ended',
  'revocation_confirmed',
  'rolled_back',
  'failed',
  'cancelled',
];
const STRATEGIES: RotationStrategy[] = ['manual', 'generated', 'postgres_role', 'provider_native'];

// Every legal transition, written out by hand: the table the code must match exactly.
const LEGAL: [RotationState, RotationEvent, 'manual' | 'automatic' | 'any', RotationState][] = [
  ['requested', 'value_requested', 'manual', 'awaiting_value'],
  ['awaiting_value', 'value_written', 'manual', 'value_written'],
  ['requested', 'value_written', 'automatic', 'value_written'],
  ['value_written', 'verified', 'any', 'verified'],
  ['verified', 'promoted', 'any', 'in_grace'],
  ['in_grace', 'grace_ended', 'manual', 'awaiting_revocation'],
  ['in_grace', 'grace_ended', 'automatic', 'completed'],
  ['awaiting_revocation', 'revocation_confirmed', 'any', 'completed'],
  ['in_grace', 'rolled_back', 'any', 'rolled_back'],
  ...OPEN_STATES.map((s) => [s, 'failed', 'any', 'failed'] as [RotationState, RotationEvent, 'any', RotationState]),
  ...(['requested', 'awaiting_value', 'value_written', 'verified'] as const).map(
    (s) => [s, 'cancelled', 'any', 'cancelled'] as [RotationState, RotationEvent, 'any', RotationState],
  ),
];

function expected(from: RotationState, event: RotationEvent, strategy: RotationStrategy): RotationState | null {
  const kind = strategy === 'manual' ? 'manual' : 'automatic';
  const row = LEGAL.find(([f, e, k]) => f === from && e === event && (k === 'any' || k === kind));
  return row ? row[3] : null;
}

describe('rotation state machine', () => {
  for (const strategy of STRATEGIES) {
    for (const from of STATES) {
      for (const event of EVENTS) {
        const to = expected(from, event, strategy);
        it(`${strategy}: ${from} --${event}--> ${to ?? 'refused'}`, () => {
          if (to) {
            expect(nextState(from, event, strategy)).toBe(to);
            expect(canTake(from, event, strategy)).toBe(true);
          } else {
            expect(() => nextState(from, event, strategy)).toThrow(IllegalTransition);
            expect(canTake(from, event, strategy)).toBe(false);
          }
        });
      }
    }
  }

  it('terminal states take no event at all', () => {
    for (const state of TERMINAL_STATES) {
      expect(isTerminal(state)).toBe(true);
      for (const strategy of STRATEGIES) for (const event of EVENTS) expect(canTake(state, event, strategy)).toBe(false);
    }
    for (const state of OPEN_STATES) expect(isTerminal(state)).toBe(false);
  });

  it('says which state refused which event', () => {
    expect(() => nextState('completed', 'promoted', 'generated')).toThrow('A rotation in state "completed" cannot take "promoted".');
  });
});
