// The keys every replica must share, and the refusal to start without them on a database
// the operator set up (DATABASE_URL). With the embedded database (npm start on one machine)
// scripts/lib/local-env.mjs generates them into ./.data; with an external database there
// may be other app and worker instances, each of which would generate different keys:
// sessions signed by one would be refused by the next, fingerprints computed with one key
// would never match the other's, and evidence bundles would carry different signers.
// So they must come from configuration, and a process that lacks them stops at once with
// one message naming every missing key, instead of running with keys of its own.

/** What each key is for, in the refusal's words. */
const REPLICA_KEYS = {
  NEXTAUTH_SECRET: 'signs sessions: a session made on one replica must be accepted by the next',
  VALUE_FINGERPRINT_PEPPER: 'keys the value fingerprints: the same value must give the same fingerprint on every replica',
  AUDIT_SIGNING_KEY: 'signs evidence bundles: every replica must sign as the same key',
};

/** The replica keys `env` lacks (unset or blank). */
export function missingReplicaKeys(env = process.env) {
  return Object.keys(REPLICA_KEYS).filter((name) => !(env[name] ?? '').trim());
}

/**
 * Throws when `env` names an external database (DATABASE_URL set by the operator) and lacks
 * any replica key; the message names each missing key and why it must be shared.
 * `who` names the process in the message ("npm start", "the worker"...).
 */
export function refuseWithoutReplicaKeys(who, env = process.env) {
  if (!(env.DATABASE_URL ?? '').trim()) return;
  const missing = missingReplicaKeys(env);
  if (missing.length === 0) return;
  throw new Error(
    [
      `${who} refuses to start: DATABASE_URL names an external database, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
      'With an external database several app and worker instances may share it, and a key generated per instance breaks',
      'what the others do. Set the same value for every instance (in .env, the container environment or a Kubernetes Secret):',
      ...missing.map((name) => `  ${name}: ${REPLICA_KEYS[name]}`),
      'Create them with `openssl rand -base64 32` (NEXTAUTH_SECRET, VALUE_FINGERPRINT_PEPPER) and',
      '`openssl genpkey -algorithm ed25519 -outform DER | base64 -w0` (AUDIT_SIGNING_KEY). Only npm start with no',
      'DATABASE_URL (the embedded database, one machine) generates them into ./.data.',
    ].join('\n'),
  );
}
