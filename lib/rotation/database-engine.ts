// One face for the databases a rotation logs in to: PostgreSQL (./postgres-role.ts) and
// MySQL/MariaDB (./mysql-user.ts). The single-user strategies and alternating users call
// these, so the engine does not care which server it is; each implementation keeps its
// own SQL, its own refusal of clear-text password requests and its own error words.
import 'server-only';
import type { SecretValue } from '@/lib/secret-value';
import type { DatabaseEngineName, RetireMode } from '@/lib/validation/rotation-config';
import { mysqlLiveSessions, parseMysqlAdminCredential, retireMysqlUser, setMysqlPassword, verifyMysqlLogin } from './mysql-user';
import { parseAdminCredential, retireRole, roleSessions, setRolePassword, verifyLogin, type AdminCredential, type LiveSession } from './postgres-role';

export type { AdminCredential, LiveSession };

/** A database user: PostgreSQL's role name, or MySQL's 'user'@'host' account. */
export interface DatabaseAccount {
  user: string;
  /** MySQL only: the account's host part ('%' when not given). PostgreSQL ignores it. */
  host?: string;
}

export interface DatabaseEngine {
  readonly name: DatabaseEngineName;
  /** The admin credential read from the provider (JSON or a URL of this engine). */
  parseAdminCredential(value: SecretValue): AdminCredential;
  /** Sets the account's password; enableLogin also undoes a disable_login retirement. */
  setPassword(admin: AdminCredential, account: DatabaseAccount, password: SecretValue, options?: { enableLogin?: boolean }): Promise<void>;
  /** True when logging in as the account with `password` works; false when refused. */
  verifyLogin(admin: AdminCredential, account: DatabaseAccount, password: SecretValue): Promise<boolean>;
  /** Sessions now logged in as any of `users`, grouped by client address and application. */
  liveSessions(admin: AdminCredential, users: string[]): Promise<LiveSession[]>;
  /** A random password nobody holds, or no login at all. Repeating it is harmless. */
  retireUser(admin: AdminCredential, account: DatabaseAccount, mode: RetireMode): Promise<void>;
}

const postgres: DatabaseEngine = {
  name: 'postgres',
  parseAdminCredential,
  setPassword: (admin, account, password, options) => setRolePassword(admin, account.user, password, options),
  verifyLogin: (admin, account, password) => verifyLogin(admin, account.user, password),
  liveSessions: (admin, users) => roleSessions(admin, users),
  retireUser: (admin, account, mode) => retireRole(admin, account.user, mode),
};

const mysql: DatabaseEngine = {
  name: 'mysql',
  parseAdminCredential: parseMysqlAdminCredential,
  setPassword: setMysqlPassword,
  verifyLogin: verifyMysqlLogin,
  liveSessions: mysqlLiveSessions,
  retireUser: retireMysqlUser,
};

export function databaseEngine(name: DatabaseEngineName): DatabaseEngine {
  return name === 'postgres' ? postgres : mysql;
}
