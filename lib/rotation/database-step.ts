// The database side of the three database strategies (postgres_role, mysql_user,
// alternating_users), one path for both engines (./database-engine.ts): the admin
// credential (still a marked admin credential of the run's connection, naming a host on
// the allowlist, with the TLS the run's settings chose), the account a run sets, the
// alternating users' turn, and proving a password by logging in.
//
// alternating_users keeps a JSON credential in the provider ({engine, host, port,
// database, username, password}); the user it names is the active one. A rotation gives
// the other user a new password and names it; the replaced user keeps working until the
// grace period decides to retire it (./grace.ts).
import 'server-only';
import { db } from '@/lib/db';
import { ProviderError } from '@/lib/providers/errors';
import { SecretValue } from '@/lib/secret-value';
import { databaseEngineOf } from '@/lib/validation/rotation-config';
import { generateSecretValue } from '@/lib/values/generate';
import { readerFor, type WriteTarget } from '@/lib/values/write-service';
import { databaseEngine, type AdminCredential, type DatabaseAccount, type DatabaseEngine } from './database-engine';
import { databaseHostProblem, withTls } from './database-hosts';
import { RotationFailure } from './failure';
import type { RunInputs } from './inputs';
import type { LoadedRun } from './runs';

/** Where a database strategy logs in, checked again at every step that uses it. */
export type DatabaseAccess = { engine: DatabaseEngine; admin: AdminCredential };

const ENGINE_LABEL = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' } as const;

/**
 * The run's admin credential, read from the provider: it must still be a marked database
 * admin credential of the run's connection, and the host it names must be on the admins'
 * allowlist, with TLS as the run's settings say (the credential's own TLS text is not used).
 */
export async function databaseAccess(inputs: RunInputs): Promise<DatabaseAccess> {
  const engineName = databaseEngineOf(inputs.rotation);
  if (!engineName || !inputs.admin || !('sslmode' in (inputs.rotation.config ?? {}))) {
    throw new RotationFailure('misconfigured', 'The database settings of this rotation are missing.');
  }
  const sslmode = (inputs.rotation.config as { sslmode: Parameters<typeof withTls>[1] }).sslmode;
  const holder = await db.secret.findUnique({ where: { id: inputs.admin.secretId }, select: { dbAdminCredential: true, connectionId: true } });
  if (!holder?.dbAdminCredential || holder.connectionId !== inputs.connection.id) {
    throw new RotationFailure(
      'admin_not_allowed',
      'The admin credential of this rotation is no longer a database admin credential of its connection (an administrator marks those).',
    );
  }
  const engine = databaseEngine(engineName);
  const credential = engine.parseAdminCredential(
    await readerFor({ connection: inputs.connection, providerRef: inputs.admin.providerRef }).readValue(inputs.admin.providerRef),
  );
  const hostProblem = await databaseHostProblem(credential, sslmode);
  if (hostProblem) throw new RotationFailure('host_not_allowed', hostProblem);
  return { engine, admin: withTls(credential, sslmode) };
}

/** The account a run sets: the role, the MySQL user, or the alternating user it names. */
export function accountOf(inputs: RunInputs, run: Pick<LoadedRun, 'newUser'>): DatabaseAccount {
  const { rotation } = inputs;
  switch (rotation.strategy) {
    case 'postgres_role':
      return { user: rotation.config.role };
    case 'mysql_user':
      return { user: rotation.config.user, host: rotation.config.accountHost };
    case 'alternating_users':
      if (!run.newUser) throw new RotationFailure('misconfigured', 'This rotation has no record of which user it rotates; start a new rotation.');
      return { user: run.newUser, host: rotation.config.accountHost };
    default:
      throw new RotationFailure('misconfigured', 'This rotation does not log in to a database.');
  }
}

/** The fields of an alternating-users value; null when it is not such a JSON object. */
export function credentialFields(value: SecretValue): { username: string; password: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.reveal());
  } catch {
    return null; // JSON.parse's message quotes the input
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { username, password } = parsed as Record<string, unknown>;
  return typeof username === 'string' && typeof password === 'string' ? { username, password } : null;
}

export type AlternatingTurn = { value: SecretValue; newUser: string; retiringUser: string | null };

/**
 * alternating_users, writing: the user the previous version names is the active one; the
 * new value names the other one with a fresh password (32 letters and digits), and the
 * admin credential's host, port and database. No previous version: the first user. The
 * same previous version gives the same users, so a re-run after a crash agrees with the
 * first attempt (the run's write token keeps the version it wrote).
 */
export async function alternatingTurn(run: Pick<LoadedRun, 'previousVersionId'>, inputs: RunInputs, target: WriteTarget): Promise<AlternatingTurn> {
  if (inputs.rotation.strategy !== 'alternating_users') throw new RotationFailure('misconfigured', 'This rotation does not alternate users.');
  const { engine: engineName, userA, userB } = inputs.rotation.config;
  const { admin } = await databaseAccess(inputs);
  let active: string | null = null;
  if (run.previousVersionId) {
    const previous = credentialFields(await readerFor(target).readValue(target.providerRef, run.previousVersionId));
    active = previous?.username ?? null;
    if (active !== userA && active !== userB) {
      throw new RotationFailure(
        'misconfigured',
        `The current value of this secret must be a JSON credential whose "username" is ${userA} or ${userB} (the two users of this rotation); it is not.`,
      );
    }
  }
  const newUser = active === userA ? userB : userA;
  const password = generateSecretValue('alphanumeric', 32).reveal();
  const value = new SecretValue(
    JSON.stringify({ engine: engineName, host: admin.host, port: admin.port, database: admin.database, username: newUser, password }),
  );
  return { value, newUser, retiringUser: active };
}

/**
 * Verifying a database strategy's new version: set the account's password to the value the
 * provider stored (read back, so a re-run after a crash sets what was stored, not a fresh
 * one), letting an alternating user log in again after a disable_login retirement, then
 * prove it by logging in. Only then is the version promoted.
 */
export async function setAndVerify(run: Pick<LoadedRun, 'newUser'>, inputs: RunInputs, target: WriteTarget, versionId: string): Promise<void> {
  const { engine, admin } = await databaseAccess(inputs);
  const account = accountOf(inputs, run);
  const stored = await readerFor(target).readValue(target.providerRef, versionId);
  let password = stored;
  const alternating = inputs.rotation.strategy === 'alternating_users';
  if (alternating) {
    const fields = credentialFields(stored);
    if (!fields || fields.username !== account.user) {
      throw new RotationFailure('misconfigured', `The new version does not name the user ${account.user}; it was not promoted.`);
    }
    password = new SecretValue(fields.password);
  }
  await engine.setPassword(admin, account, password, { enableLogin: alternating });
  if (!(await engine.verifyLogin(admin, account, password))) {
    throw new RotationFailure(
      'verify_failed',
      `Logging in to ${ENGINE_LABEL[engine.name]} as ${account.user} with the new password failed; the new version was not promoted.`,
    );
  }
}

/** alternating_users, at the end of the grace period: the replaced user gets a random
 *  password nobody holds, or may no longer log in (the secret's choice). Never the new
 *  user; nothing when there was none. Returns the retired user. */
export async function retireReplacedUser(run: Pick<LoadedRun, 'newUser' | 'retiringUser'>, inputs: RunInputs): Promise<string | null> {
  if (inputs.rotation.strategy !== 'alternating_users' || !run.retiringUser || run.retiringUser === run.newUser) return null;
  const { engine, admin } = await databaseAccess(inputs);
  try {
    await engine.retireUser(admin, { user: run.retiringUser, host: inputs.rotation.config.accountHost }, inputs.rotation.config.retireMode);
  } catch (error) {
    // Dropped meanwhile (by an administrator): nobody can log in as it, which is the point.
    if (!(error instanceof ProviderError && error.code === 'not_found')) throw error;
  }
  return run.retiringUser;
}
