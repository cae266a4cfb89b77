// The rotation state machine, pure: which event moves a run from which state to which.
// The engine (engine.ts) performs the work of each step and then asks here whether the
// transition is legal, so an illegal move (a stale click, a double delivery) is refused
// instead of corrupting a run.
//
//   requested ──value_requested──▶ awaiting_value            (manual: the engineer enters it)
//   requested | awaiting_value ──value_written──▶ value_written
//   value_written ──verified──▶ verified                      (login works / engineer confirms)
//   verified ──promoted──▶ in_grace                            (new current, previous still valid)
//   in_grace ──grace_ended──▶ completed | awaiting_revocation (manual: revoke at the vendor)
//   awaiting_revocation ──revocation_confirmed──▶ completed
//   in_grace ──rolled_back──▶ rolled_back
//   any open state ──failed──▶ failed
//   requested … verified ──cancelled──▶ cancelled               (nothing promoted yet)
import type { RotationState, RotationStrategy } from '@/generated/prisma/enums';

export type RotationEvent =
  'value_requested' | 'value_written' | 'verified' | 'promoted' | 'grace_ended' | 'revocation_confirmed' | 'rolled_back' | 'failed' | 'cancelled';

export const TERMINAL_STATES = ['completed', 'failed', 'rolled_back', 'cancelled'] as const satisfies readonly RotationState[];
export const OPEN_STATES = [
  'requested',
  'awaiting_value',
  'value_written',
  'verified',
  'in_grace',
  'awaiting_revocation',
] as const satisfies readonly RotationState[];

export function isTerminal(state: RotationState): boolean {
  return (TERMINAL_STATES as readonly RotationState[]).includes(state);
}

export class IllegalTransition extends Error {
  constructor(
    readonly from: RotationState,
    readonly event: RotationEvent,
  ) {
    super(`A rotation in state "${from}" cannot take "${event}".`);
    this.name = 'IllegalTransition';
  }
}

const BEFORE_PROMOTION: readonly RotationState[] = ['requested', 'awaiting_value', 'value_written', 'verified'];

/** The state after `event`, or IllegalTransition. */
export function nextState(from: RotationState, event: RotationEvent, strategy: RotationStrategy): RotationState {
  const to = target(from, event, strategy);
  if (!to) throw new IllegalTransition(from, event);
  return to;
}

export function canTake(from: RotationState, event: RotationEvent, strategy: RotationStrategy): boolean {
  return target(from, event, strategy) !== null;
}

function target(from: RotationState, event: RotationEvent, strategy: RotationStrategy): RotationState | null {
  switch (event) {
    case 'value_requested':
      return from === 'requested' && strategy === 'manual' ? 'awaiting_value' : null;
    case 'value_written':
      if (strategy === 'manual') return from === 'awaiting_value' ? 'value_written' : null;
      return from === 'requested' ? 'value_written' : null;
    case 'verified':
      return from === 'value_written' ? 'verified' : null;
    case 'promoted':
      return from === 'verified' ? 'in_grace' : null;
    case 'grace_ended':
      if (from !== 'in_grace') return null;
      return strategy === 'manual' ? 'awaiting_revocation' : 'completed';
    case 'revocation_confirmed':
      return from === 'awaiting_revocation' ? 'completed' : null;
    case 'rolled_back':
      return from === 'in_grace' ? 'rolled_back' : null;
    case 'failed':
      return isTerminal(from) ? null : 'failed';
    case 'cancelled':
      return BEFORE_PROMOTION.includes(from) ? 'cancelled' : null;
  }
}
