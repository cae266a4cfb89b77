// Fault injection shared by the cloud emulators. A test adds rules; each request asks
// the plan what to do before the emulator handles it. Rules match an operation name
// (AWS: 'PutSecretValue'; GCP: 'AddSecretVersion') or every operation, can fire a
// limited number of times or with a probability, and stack (latency + error).

export type FaultError = 'not_found' | 'permission_denied' | 'throttled' | 'unavailable' | 'internal' | 'invalid';

export interface FaultRule {
  /** Operation name as the protocol spells it; omitted = every operation. */
  operation?: string;
  /** Answer with this error instead of handling the request. */
  error?: FaultError;
  /** Wait this long before answering (or before failing). */
  latencyMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Let this many matching requests through before firing (a fault from the Nth call on,
   *  whatever the timing). Default 0. */
  after?: number;
  /** Fire at most this many times, then retire. Default: unlimited. */
  times?: number;
  /** Fire with this probability (0..1), drawn from the plan's seeded generator. Default 1. */
  probability?: number;
}

export interface FaultDecision {
  latencyMs: number;
  error?: FaultError;
  drop: boolean;
}

export class FaultPlan {
  #rules: (FaultRule & { seen: number; fired: number })[] = [];
  #seed: number;

  constructor(seed = 0x5eed) {
    this.#seed = seed;
  }

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.#rules = [];
  }

  /** What to do with one request for `operation`. Consumes `times` of the rules that fire. */
  decide(operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, drop: false };
    for (const rule of this.#rules) {
      if (rule.operation && rule.operation !== operation) continue;
      if ((rule.seen += 1) <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      rule.fired += 1;
      decision.latencyMs += rule.latencyMs ?? 0;
      decision.drop ||= rule.drop ?? false;
      decision.error ??= rule.error;
    }
    return decision;
  }

  // mulberry32: deterministic, so a probabilistic fault test fails the same way twice.
  #random(): number {
    this.#seed = (this.#seed + 0x6d2b79f5) | 0;
    let t = this.#seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
