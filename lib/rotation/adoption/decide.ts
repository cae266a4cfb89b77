// Whether a rotation in its grace period may retire the old value now, from the adoption
// rows its checks recorded (./record.ts) and the run's dates. Pure: the engine does what
// this says (lib/rotation/grace.ts). The rules (docs/features.md, "Alternating users and
// adoption"): every declared consumer moved → retire early; otherwise wait for the grace
// period; at its end the secret's straggler policy decides.
import type { StragglerPolicy } from '@/generated/prisma/enums';

/** The parts of a rotation_adoptions row the decision reads. */
export type AdoptionRow = {
  label: string;
  declared: boolean;
  observable: boolean;
  movedAt: Date | null;
  onOld: boolean;
};

export type RetireDecision = 'all_moved' | 'grace_over' | 'stragglers_retired';

export type GraceDecision =
  | { kind: 'retire'; decision: RetireDecision; stragglers: string[] }
  | { kind: 'wait'; until: Date }
  | { kind: 'extend'; graceEndsAt: Date; stragglers: string[] }
  /** Held for stragglers: `first` when this check holds it (audit and notify once). */
  | { kind: 'hold'; first: boolean; stragglers: string[]; until: Date };

export type GraceFacts = {
  now: Date;
  graceEndsAt: Date | null;
  graceHours: number;
  policy: StragglerPolicy;
  graceExtendedAt: Date | null;
  heldAt: Date | null;
  /** How long until the next look (ROTATION_ADOPTION_POLL_SECONDS). */
  pollMs: number;
  /** False when nothing can be observed for this run: waiting for the next look is then
   *  pointless before the grace period ends. */
  observable: boolean;
};

/** At most this many straggler labels travel in an audit event or a notification. */
export const MAX_STRAGGLERS = 50;

/** Declared consumers not (yet, or not observably) moved, and undeclared readers still on
 *  the old value, by label. */
export function stragglersOf(rows: readonly AdoptionRow[]): string[] {
  const labels = rows.filter((r) => (r.declared ? !r.movedAt || r.onOld || !r.observable : r.onOld)).map((r) => r.label);
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b));
}

export function decideGrace(rows: readonly AdoptionRow[], facts: GraceFacts): GraceDecision {
  const { now, policy } = facts;
  const stragglers = stragglersOf(rows);
  const allMoved = rows.some((r) => r.declared) && stragglers.length === 0;
  if (allMoved) return { kind: 'retire', decision: 'all_moved', stragglers: [] };
  const next = new Date(now.getTime() + facts.pollMs);
  const graceOver = !facts.graceEndsAt || facts.graceEndsAt <= now;
  if (!graceOver) {
    const ends = facts.graceEndsAt!;
    return { kind: 'wait', until: facts.observable && next < ends ? next : ends };
  }
  if (stragglers.length === 0) return { kind: 'retire', decision: 'grace_over', stragglers: [] };
  const listed = stragglers.slice(0, MAX_STRAGGLERS);
  switch (policy) {
    case 'retire':
      return { kind: 'retire', decision: 'stragglers_retired', stragglers: listed };
    case 'extend_once':
      if (facts.graceExtendedAt) return { kind: 'retire', decision: 'stragglers_retired', stragglers: listed };
      return { kind: 'extend', graceEndsAt: new Date((facts.graceEndsAt ?? now).getTime() + facts.graceHours * 3_600_000), stragglers: listed };
    case 'hold':
      return { kind: 'hold', first: !facts.heldAt, stragglers: listed, until: next };
  }
}
