// Adoption evidence and rotation decisions in words, for the Rotation tab, the timeline
// and the API. Evidence holds identifiers only (lib/rotation/adoption/types.ts): who read
// which version from where, or how many sessions a database user holds from which client.
// Pure: the data layer (./rotation-adoption.ts) and the tests use it.

export type Evidence = Record<string, string | number | boolean | null>;

/** The first non-empty value among `keys` (the evidence sources name things alike, not the same). */
function pick(evidence: Evidence, ...keys: string[]): string | number | null {
  for (const key of keys) {
    const v = evidence[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** "10:02" for a time on the same UTC day as `now`, else "7 Dec 10:02" (UTC, like the rest of the app). */
export function shortTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const hm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  if (at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return `${hm} UTC`;
  const month = at.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${at.getUTCDate()} ${month} ${hm} UTC`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * One line of evidence (lib/rotation/adoption: provider-evidence.ts, database-evidence.ts):
 * "read AWSCURRENT as arn:… at 10:02 UTC from 10.0.0.5" for a provider read, "3 sessions as
 * orders_app_b from 127.0.0.1 (orders-api)" for database sessions (the users are the run's);
 * null when there is nothing to say.
 */
export function evidenceText(
  evidence: Evidence | null | undefined,
  now: Date = new Date(),
  users: { oldUser?: string | null; newUser?: string | null } = {},
): string | null {
  if (!evidence || typeof evidence !== 'object') return null;
  const count = (key: string) => (typeof evidence[key] === 'number' ? (evidence[key] as number) : 0);
  if ('oldSessions' in evidence || 'newSessions' in evidence) {
    const held = [
      count('newSessions') > 0 ? `${plural(count('newSessions'), 'session', 'sessions')} as ${users.newUser ?? 'the new user'}` : null,
      count('oldSessions') > 0 ? `${plural(count('oldSessions'), 'session', 'sessions')} as ${users.oldUser ?? 'the old user'}` : null,
    ].filter(Boolean);
    if (!held.length) return null;
    const clients = pick(evidence, 'clients');
    const applications = pick(evidence, 'applications');
    return [held.join(' and '), clients !== null ? `from ${clients}` : null, applications !== null ? `(${applications})` : null].filter(Boolean).join(' ');
  }
  const principal = pick(evidence, 'principal');
  const stage = pick(evidence, 'stage');
  const version = pick(evidence, 'version');
  const event = pick(evidence, 'eventName');
  if (principal === null && stage === null && version === null && event === null) {
    const pairs = Object.entries(evidence).filter(([, v]) => v !== null && v !== '');
    return pairs.length ? pairs.map(([k, v]) => `${k}: ${String(v)}`).join(', ') : null;
  }
  const what =
    stage !== null ? `read ${stage}` : version !== null ? `read version ${version}` : event !== null ? `read the current value (${event})` : 'read it';
  const at = pick(evidence, 'occurredAt');
  const source = pick(evidence, 'sourceIp');
  return [
    what,
    principal !== null ? `as ${principal}` : null,
    typeof at === 'string' ? `at ${shortTime(at, now)}` : null,
    source !== null ? `from ${source}` : null,
  ]
    .filter(Boolean)
    .join(' ');
}

/** grace_ended's decision (lib/rotation/adoption/decide.ts) in words. */
export const DECISION_LABELS: Record<string, string> = {
  all_moved: 'all moved',
  grace_over: 'grace period over',
  stragglers_retired: 'retired with stragglers',
  person: 'retired by a person',
};

export function decisionText(decision: unknown): string | null {
  if (typeof decision !== 'string' || !decision) return null;
  return DECISION_LABELS[decision] ?? decision.replaceAll('_', ' ');
}

/** "a, b and 3 more" for a list of names. */
export function namesText(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
