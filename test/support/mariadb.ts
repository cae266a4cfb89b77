// The machine's MariaDB (127.0.0.1:3306, root, empty password) for tests of the MySQL and
// MariaDB rotations: the admin credential for root, users made with a prefix of this test
// process (accounts are server-wide, so parallel runs stay apart), a scratch database they
// may be granted, and the cleanup that drops them all. Loopback only.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { AdminCredential } from '@/lib/rotation/postgres-role';
import type { DatabaseAccount } from '@/lib/rotation/database-engine';
import { SecretValue } from '@/lib/secret-value';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

/** Every user this process creates starts with it (at most 80 characters in all). */
export const MYSQL_USER_PREFIX = `rot_${process.pid}_${randomBytes(2).toString('hex')}`;

const created = new Map<string, DatabaseAccount>();
let scratch: string | undefined;
let root: Promise<mysql.Connection> | undefined;

/** The admin credential for root@127.0.0.1:3306: the local server has no TLS, so sslmode is 'disable'. */
export function mariadbAdmin(): AdminCredential {
  return { host: MARIADB.host, port: MARIADB.port, database: '', user: MARIADB.user, password: new SecretValue(MARIADB.password), sslmode: 'disable' };
}

/** A root connection for the test's own setup and checks (shared; closed by dropMysqlUsers). */
export function mariadbRoot(): Promise<mysql.Connection> {
  root ??= mysql.createConnection({ ...MARIADB }).then((connection) => {
    connection.on('error', () => {});
    return connection;
  });
  return root;
}

/** `${MYSQL_USER_PREFIX}${suffix}`: a user name of this process. */
export const mysqlUserName = (suffix: string) => `${MYSQL_USER_PREFIX}${suffix}`;

/** 'user'@'host' as SQL, escaped (the server's default sql_mode: backslash escapes on). */
export const mysqlAccountSql = (account: DatabaseAccount) => `${mysql.escape(account.user)}@${mysql.escape(account.host ?? '%')}`;

/** Creates the account `name`@`host` ('%' unless given) with `password` (null: none) and,
 *  when `grantsOnDb` is given, ALL privileges on that database. Dropped by dropMysqlUsers. */
export async function createMysqlUser(name: string, password: string | null, grantsOnDb?: string, options: { host?: string } = {}): Promise<DatabaseAccount> {
  const account = { user: name, host: options.host ?? '%' };
  const sql = await mariadbRoot();
  created.set(mysqlAccountSql(account), account);
  await sql.query(`CREATE USER ${mysqlAccountSql(account)}${password === null ? '' : ` IDENTIFIED BY ${mysql.escape(password)}`}`);
  if (grantsOnDb !== undefined) await sql.query(`GRANT ALL PRIVILEGES ON ${mysql.escapeId(grantsOnDb)}.* TO ${mysqlAccountSql(account)}`);
  return account;
}

/** A database of this process (created once), for grants and for connecting to. */
export async function mysqlScratchDatabase(): Promise<string> {
  if (!scratch) {
    const name = `${MYSQL_USER_PREFIX}_db`;
    await (await mariadbRoot()).query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(name)}`);
    scratch = name;
  }
  return scratch;
}

/** Drops every user this process created and its scratch database, then closes the root connection. */
export async function dropMysqlUsers(): Promise<void> {
  if (!root) return;
  const sql = await root;
  for (const [accountSql] of created) await sql.query(`DROP USER IF EXISTS ${accountSql}`).catch(() => {});
  created.clear();
  if (scratch) await sql.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(scratch)}`).catch(() => {});
  scratch = undefined;
  root = undefined;
  await sql.end().catch(() => {});
}
