// The database side of rotations on MySQL and MariaDB: read the admin credential (itself a
// secret in the provider, never stored by the app), set an account's new password, prove
// it logs in, list who is still logged in as a user, and retire a user nobody should use.
// The PostgreSQL twin is ./postgres-role.ts; ./database-engine.ts puts both behind one face.
//
// ALTER USER takes no bind parameters, so the account name is written as a string literal,
// escaped for the session's sql_mode (NO_BACKSLASH_ESCAPES changes what a backslash means).
// On MariaDB (and for MySQL accounts on mysql_native_password) the password does not travel
// in the statement: its native hash ('*' + SHA1(SHA1(password))) is computed here and the
// statement says IDENTIFIED BY PASSWORD / IDENTIFIED WITH ... AS, so the general and slow
// logs, the binary log and SHOW PROCESSLIST never see it. MySQL's caching_sha2_password
// (and sha256_password) hash with a server-side salt and are set with IDENTIFIED WITH
// <plugin> BY '<password>': MySQL itself rewrites that statement (as <secret>) before it
// reaches its general, slow and binary logs. Errors carry our own messages and the server's
// errno or the socket's code only; a server message can quote the statement.
//
// The password never goes over the wire in clear: a server that asks for it in clear text
// (an auth switch to mysql_clear_password, what a fake or hostile server would ask to
// collect it) gets nothing, and the server's RSA key is never fetched over a connection
// without TLS (mysql2 refuses that by default). TLS verifies the certificate and host name
// by default (verify-full; the run's settings may ask for less only where the host
// allowlist allows it). The socket passes the egress policy like every typed address.
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { EgressRefusedError, egressSocket } from '@/lib/net/egress';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { SecretValue } from '@/lib/secret-value';
import { parseDatabaseCredential } from './database-credential';
import type { RetireMode } from '@/lib/validation/rotation-config';
import type { DatabaseAccount } from './database-engine';
import { ROTATION_APPLICATION, type AdminCredential, type LiveSession, type SslMode } from './postgres-role';

export interface MysqlCallOptions {
  /** Deadline for connecting and for each statement. Default 10 s. */
  timeoutMs?: number;
}

/** A ProviderError (so the rotation engine retries and reports it like a provider failure)
 *  about the MySQL or MariaDB server the user lives on. */
export class MysqlUserError extends ProviderError {
  constructor(code: ProviderErrorCode, message: string, providerCode?: string) {
    super(code, message, providerCode);
    this.name = 'MysqlUserError';
  }
}

const MESSAGES = {
  credentialShape:
    'The admin credential must be JSON {"host","port","user","password"} (optionally "database"; RDS-style "username"/"dbname" work too) or a mysql:// or mariadb:// URL.',
  userName: 'The user name must be 1 to 80 characters without NUL characters.',
  accountHost: 'The account host must be 1 to 255 characters without NUL characters.',
  passwordChars: 'The new password must be 1 to 1024 printable ASCII characters.',
  userMissing: 'The user does not exist on this database server (user name and account host together). Check them in the rotation settings.',
  privilege: "The admin credential may not change this user's password. It needs the CREATE USER privilege (or UPDATE on the mysql database).",
  pluginRead: "The admin credential may not read this account's authentication plugin (MySQL). It needs SELECT on mysql.user.",
  plugin:
    'The account uses an authentication plugin this rotation cannot set a password for. Supported: mysql_native_password, caching_sha2_password and sha256_password.',
  process:
    "The admin credential cannot see other users' sessions. It needs the PROCESS privilege to list who is still logged in (without it the server shows only its own sessions).",
  adminLogin: 'The database refused the admin credential (wrong user or password, a locked account, or no account for this host). Check the admin secret.',
  noDatabase: 'The database named in the admin credential does not exist.',
  adminDatabase: 'The admin credential may not use the database named in it. Grant it access or leave the database out.',
  noConnect: 'The user may not use the database named in the admin credential, so its new password cannot be verified.',
  expired: 'The account password has expired on the server (PASSWORD EXPIRE). Setting a new password through the rotation clears it.',
  unreachable: 'The database server could not be reached. Check host and port in the admin credential and the network path.',
  busy: 'The database server is not accepting connections right now (too many connections, the host is blocked, or it is shutting down). Try again.',
  timeout: 'The database server did not answer in time. Running the step again is safe.',
  tls: "The TLS connection to the database failed (no TLS, an untrusted certificate or another host name). Check the server's certificate, or the TLS setting of the rotation.",
  cleartext:
    'The database server asked for the password in clear text (mysql_clear_password); it was not sent. Configure the account for caching_sha2_password or mysql_native_password.',
  publicKey:
    'The database server wants the password itself (caching_sha2_password full authentication or sha256_password), which is sent only over TLS, never encrypted with a key fetched over a plain connection. Use TLS for this host.',
  unknown: 'The database returned an unexpected error. Nothing was changed that a re-run would not repeat safely.',
} as const;

/** The admin credential read from the provider: JSON (ours or the RDS shape) or a
 *  mysql:// / mariadb:// URL. `database` may be '' (none). Errors name what is wrong,
 *  never the text (it holds a password). */
export function parseMysqlAdminCredential(value: SecretValue): AdminCredential {
  return parseDatabaseCredential(value, {
    urlScheme: /^(mysql|mariadb):\/\//i,
    defaultPort: 3306,
    databaseRequired: false,
    shapeMessage: MESSAGES.credentialShape,
    invalid: (message) => new MysqlUserError('invalid', message),
  });
}

/** Sets the account's password (and, with enableLogin, ACCOUNT UNLOCK: undoes a
 *  disable_login retirement). Running it again with the same password is harmless. */
export async function setMysqlPassword(
  admin: AdminCredential,
  account: DatabaseAccount,
  password: SecretValue,
  options: MysqlCallOptions & { enableLogin?: boolean } = {},
): Promise<void> {
  const { user, host } = checkAccount(account);
  checkPassword(password);
  await withConnection(connectionConfig(admin, admin.user, admin.password, options), 'admin', async (session) => {
    const identified = await identifiedClause(session, user, host, password);
    await session.run(`ALTER USER ${session.account(user, host)} ${identified}${options.enableLogin ? ' ACCOUNT UNLOCK' : ''}`);
  });
}

/** Retires a user nobody should use any more: its password becomes a random one that is
 *  never kept anywhere, or the account is locked (ACCOUNT LOCK). Sessions already open
 *  stay open (the server checks the password and the lock at login only). Repeating it is
 *  harmless. */
export async function retireMysqlUser(admin: AdminCredential, account: DatabaseAccount, mode: RetireMode, options: MysqlCallOptions = {}): Promise<void> {
  const { user, host } = checkAccount(account);
  await withConnection(connectionConfig(admin, admin.user, admin.password, options), 'admin', async (session) => {
    if (mode === 'disable_login') {
      await session.run(`ALTER USER ${session.account(user, host)} ACCOUNT LOCK`);
      return;
    }
    const identified = await identifiedClause(session, user, host, new SecretValue(randomBytes(33).toString('base64url')));
    await session.run(`ALTER USER ${session.account(user, host)} ${identified}`);
  });
}

/** The sessions now logged in as any of `users` (information_schema.PROCESSLIST), grouped
 *  by user and client address (HOST without its port; "local" for a Unix socket). MySQL
 *  has no application name (application is ""), and PROCESSLIST has no login time: `since`
 *  is when the longest-running of them entered its current state (for an idle connection,
 *  its last statement), so the group has been connected at least since then. The admin
 *  needs the PROCESS privilege: without it the server silently shows only the admin's
 *  own sessions, so that case is refused rather than reported as "nobody". Our own
 *  connection (and, where performance_schema tells, every rotation connection) is left out. */
export async function mysqlLiveSessions(admin: AdminCredential, users: string[], options: MysqlCallOptions = {}): Promise<LiveSession[]> {
  users.forEach((user) => checkAccount({ user }));
  if (users.length === 0) return [];
  let rows: { user: string; host: string | null; time: number | string | null; id: number | string }[] = [];
  let ours = new Set<string>();
  await withConnection(connectionConfig(admin, admin.user, admin.password, options), 'admin', async (session) => {
    await requireProcessPrivilege(session, admin.user);
    rows = await session.select(
      `SELECT USER AS user, HOST AS host, TIME AS time, ID AS id FROM information_schema.PROCESSLIST WHERE USER IN (${users.map(() => '?').join(', ')}) AND ID <> CONNECTION_ID()`,
      users,
    );
    ours = await rotationConnections(session);
  });
  const now = Date.now();
  const groups = new Map<string, LiveSession & { maxTime: number }>();
  for (const row of rows) {
    if (ours.has(String(row.id))) continue;
    const clientAddress = clientAddressOf(row.host);
    const key = JSON.stringify([row.user, clientAddress]);
    const time = Number(row.time ?? 0) || 0;
    const group = groups.get(key) ?? { user: row.user, clientAddress, application: '', sessions: 0, since: null, maxTime: 0 };
    group.sessions += 1;
    group.maxTime = Math.max(group.maxTime, time);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ maxTime, ...group }) => ({ ...group, since: new Date(now - maxTime * 1000) }))
    .sort((a, b) => (a.user === b.user ? a.clientAddress.localeCompare(b.clientAddress) : a.user.localeCompare(b.user)));
}

/** Opens a connection as the account's user with `password` to the admin credential's
 *  host, port and database and runs SELECT 1. False when the server refuses the login
 *  (wrong password, locked account, no account for this client host); other failures
 *  (unreachable, no access to the database) throw, since they say nothing about the
 *  password. The account host is not chosen by the client: the server picks the account
 *  that matches where this dashboard connects from. */
export async function verifyMysqlLogin(
  admin: AdminCredential,
  account: DatabaseAccount,
  password: SecretValue,
  options: MysqlCallOptions = {},
): Promise<boolean> {
  const { user } = checkAccount(account);
  try {
    await withConnection(connectionConfig(admin, user, password, options), 'user', async (session) => {
      await session.select('SELECT 1 AS ok');
    });
    return true;
  } catch (error) {
    if (error instanceof MysqlUserError && error.providerCode !== undefined && LOGIN_REFUSED.includes(error.providerCode)) return false;
    throw error;
  }
}

/** ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR, ER_HOST_NOT_PRIVILEGED,
 *  ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL 3118, MariaDB 4151). */
const LOGIN_REFUSED = ['1045', '1698', '1130', '3118', '4151'];

/** MySQL's native password hash: '*' and SHA1(SHA1(password)) in upper-case hex. */
export function mysqlNativeHash(password: SecretValue): string {
  const stage1 = createHash('sha1').update(password.reveal(), 'utf8').digest();
  const hash = `*${createHash('sha1').update(stage1).digest('hex').toUpperCase()}`;
  stage1.fill(0);
  return hash;
}

/** A MySQL string literal for `text`, right for the session's sql_mode: with
 *  NO_BACKSLASH_ESCAPES a backslash is an ordinary character and only quotes double. */
export function mysqlStringLiteral(text: string, noBackslashEscapes: boolean): string {
  if (text.includes('\0')) throw new MysqlUserError('invalid', MESSAGES.userName);
  return noBackslashEscapes ? `'${text.replaceAll("'", "''")}'` : mysql.escape(text);
}

// ---------------------------------------------------------------------------

function checkAccount(account: DatabaseAccount): { user: string; host: string } {
  const user = account.user;
  const host = account.host ?? '%';
  if (typeof user !== 'string' || user.length === 0 || user.length > 80 || user.includes('\0')) throw new MysqlUserError('invalid', MESSAGES.userName);
  if (host.length === 0 || host.length > 255 || host.includes('\0')) throw new MysqlUserError('invalid', MESSAGES.accountHost);
  return { user, host };
}

function checkPassword(password: SecretValue): void {
  const text = password.reveal();
  if (text.length === 0 || text.length > 1024 || !/^[\x20-\x7e]+$/.test(text)) throw new MysqlUserError('invalid', MESSAGES.passwordChars);
}

/** The IDENTIFIED clause that sets `password` for the account: MariaDB takes the native
 *  hash; MySQL keeps the account's current plugin (read from mysql.user). */
async function identifiedClause(session: Session, user: string, host: string, password: SecretValue): Promise<string> {
  if (session.mariadb) return `IDENTIFIED BY PASSWORD ${session.literal(mysqlNativeHash(password))}`;
  const rows = await session
    .select<{ plugin: string | null }>('SELECT plugin FROM mysql.user WHERE User = ? AND Host = ?', [user, host])
    .catch((error: unknown) => {
      const code = errnoOf(error);
      if (code === '1142' || code === '1143' || code === '1044') throw new MysqlUserError('permission_denied', MESSAGES.pluginRead, code);
      throw error;
    });
  if (rows.length === 0) throw new MysqlUserError('not_found', MESSAGES.userMissing, '1396');
  const plugin = rows[0]!.plugin ?? '';
  if (plugin === 'mysql_native_password') return `IDENTIFIED WITH mysql_native_password AS ${session.literal(mysqlNativeHash(password))}`;
  if (plugin === 'caching_sha2_password' || plugin === 'sha256_password') {
    // The server salts and hashes these itself; MySQL rewrites the statement in its logs.
    return `IDENTIFIED WITH ${plugin} BY ${session.literal(password.reveal())}`;
  }
  throw new MysqlUserError('unsupported', MESSAGES.plugin);
}

/** PROCESS lets the admin see every session; without it the list would look empty. Either
 *  the grant is listed for the admin's account, or other users' sessions are visible
 *  (a privilege that came through a role is not listed in USER_PRIVILEGES). */
async function requireProcessPrivilege(session: Session, adminUser: string): Promise<void> {
  const [granted] = await session.select<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'PROCESS'",
  );
  if (Number(granted?.n ?? 0) > 0) return;
  const [others] = await session.select<{ n: number | string }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER <> ?', [adminUser]);
  if (Number(others?.n ?? 0) > 0) return;
  throw new MysqlUserError('permission_denied', MESSAGES.process, 'PROCESS');
}

/** The ids of connections made by this app's rotations (connect attribute program_name),
 *  where performance_schema is on; an empty set when it is off or not readable. */
async function rotationConnections(session: Session): Promise<Set<string>> {
  try {
    const rows = await session.select<{ id: number | string }>(
      "SELECT PROCESSLIST_ID AS id FROM performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name' AND ATTR_VALUE = ?",
      [ROTATION_APPLICATION],
    );
    return new Set(rows.map((r) => String(r.id)));
  } catch {
    return new Set();
  }
}

/** "10.0.0.7:53412" → "10.0.0.7"; "[::1]:53412" or "::1:53412" → "::1"; no port → a Unix socket. */
function clientAddressOf(host: string | null): string {
  if (!host) return 'local';
  const match = /^(.*):(\d+)$/.exec(host);
  if (!match) return host === 'localhost' ? 'local' : host;
  return match[1]!.replace(/^\[(.*)\]$/, '$1');
}

type ConnectionConfig = mysql.ConnectionOptions & { timeoutMs: number };

function connectionConfig(admin: AdminCredential, user: string, password: SecretValue, options: MysqlCallOptions): ConnectionConfig {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { host, port } = admin;
  return {
    host,
    port,
    user,
    password: password.reveal(),
    ...(admin.database ? { database: admin.database } : {}),
    ssl: mysqlSslOf(admin.sslmode ?? 'verify-full'),
    connectTimeout: timeoutMs,
    timeoutMs,
    connectAttributes: { program_name: ROTATION_APPLICATION },
    multipleStatements: false,
    // The host comes from a secret a person wrote: its socket passes the egress policy.
    // mysql2 uses the returned stream as the connection, so it is connected here.
    stream: (): Socket => egressSocket().connect(port, host),
  };
}

/** mysql2's TLS options for libpq's sslmode names: verify-ca and verify-full check the
 *  chain and the host name (Node checks the address for an IP). */
export function mysqlSslOf(sslmode: SslMode): mysql.SslOptions | undefined {
  if (sslmode === 'disable') return undefined;
  if (sslmode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, verifyIdentity: true };
}

interface Session {
  mariadb: boolean;
  literal(text: string): string;
  account(user: string, host: string): string;
  run(sql: string): Promise<void>;
  select<R>(sql: string, values?: unknown[]): Promise<R[]>;
}

/** Marks the refusal of a clear-text request; mysql2 overwrites an auth plugin error's
 *  code, so the flag on the connection attempt says what happened. */
const CLEARTEXT_REFUSED = 'mysql_clear_password refused';

/** One short-lived connection; every failure leaves as a MysqlUserError. */
async function withConnection(config: ConnectionConfig, as: 'admin' | 'user', work: (session: Session) => Promise<void>): Promise<void> {
  const { timeoutMs, ...options } = config;
  const attempt = { cleartext: false };
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({
      ...options,
      // A server that switches to mysql_clear_password would receive the password as
      // text. Naming the plugin also stops mysql2 from answering it in the first packet.
      authPlugins: {
        mysql_clear_password: () => () => {
          attempt.cleartext = true;
          throw new Error(CLEARTEXT_REFUSED);
        },
      },
    });
    // A connection that breaks later emits 'error'; without a listener that would crash
    // the process. The failing statement reports it.
    connection.on('error', () => {});
    const conn = connection;
    const [[facts]] = await conn.query<mysql.RowDataPacket[]>({ sql: 'SELECT VERSION() AS version, @@SESSION.sql_mode AS mode', timeout: timeoutMs });
    const noBackslashEscapes = String(facts?.mode ?? '')
      .toUpperCase()
      .split(',')
      .includes('NO_BACKSLASH_ESCAPES');
    const literal = (text: string) => mysqlStringLiteral(text, noBackslashEscapes);
    await work({
      mariadb: /mariadb/i.test(String(facts?.version ?? '')),
      literal,
      account: (user, host) => `${literal(user)}@${literal(host)}`,
      run: async (sql) => {
        // Never logged: the statement can hold a hash or, for caching_sha2, the password.
        await conn.query({ sql, timeout: timeoutMs });
      },
      // Server-side prepared statements: the values are never spliced into SQL text.
      select: async <R>(sql: string, values: unknown[] = []) => {
        const [rows] = await conn.execute<mysql.RowDataPacket[]>({ sql, timeout: timeoutMs }, values as never[]);
        return rows as R[];
      },
    });
  } catch (error) {
    throw attempt.cleartext ? new MysqlUserError('permission_denied', MESSAGES.cleartext, 'mysql_clear_password') : toMysqlUserError(error, as);
  } finally {
    if (connection) await closeConnection(connection, timeoutMs);
  }
}

/** COM_QUIT, or the socket closed when the server does not answer in time. */
async function closeConnection(connection: mysql.Connection, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([connection.end().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  connection.destroy();
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'];

function errnoOf(error: unknown): string | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && errno > 0 ? String(errno) : undefined;
}

/** Reads the server's errno or the socket's code, never the message (it can quote the
 *  statement). MySQL and MariaDB share errnos below 3000; above that they differ, so the
 *  number is kept rather than mysql2's name for it. */
export function toMysqlUserError(error: unknown, as: 'admin' | 'user'): MysqlUserError {
  if (error instanceof MysqlUserError) return error;
  if (error instanceof EgressRefusedError) return new MysqlUserError('refused', error.message, error.code);
  const errno = errnoOf(error);
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  if (errno !== undefined && (error as { sqlState?: unknown }).sqlState !== undefined) {
    switch (errno) {
      case '1045':
      case '1698':
      case '1130':
      case '3118':
      case '4151':
        // For the user this is the answer verifyLogin looks for; for the admin, a bad credential.
        return new MysqlUserError('permission_denied', as === 'admin' ? MESSAGES.adminLogin : 'The database refused the login.', errno);
      case '1396':
        return new MysqlUserError('not_found', MESSAGES.userMissing, errno);
      case '1227':
      case '1142':
      case '1143':
        return new MysqlUserError('permission_denied', MESSAGES.privilege, errno);
      case '1044':
        return new MysqlUserError('permission_denied', as === 'admin' ? MESSAGES.adminDatabase : MESSAGES.noConnect, errno);
      case '1049':
        return new MysqlUserError('invalid', MESSAGES.noDatabase, errno);
      case '1820':
      case '1862':
        return new MysqlUserError('invalid', MESSAGES.expired, errno);
      case '1524':
        return new MysqlUserError('unsupported', MESSAGES.plugin, errno);
      case '1040':
      case '1053':
      case '1129':
      case '1203':
      case '1226':
      case '1927':
        return new MysqlUserError('unavailable', MESSAGES.busy, errno);
      case '1969':
      case '3024':
        return new MysqlUserError('timeout', MESSAGES.timeout, errno);
      default:
        return new MysqlUserError('unknown', MESSAGES.unknown, errno);
    }
  }
  if (code === 'MYSQL_CLEAR_PASSWORD_NOT_ENABLED') return new MysqlUserError('permission_denied', MESSAGES.cleartext, 'mysql_clear_password');
  if (code === 'PUBLIC_KEY_RETRIEVAL_NOT_ALLOWED') return new MysqlUserError('permission_denied', MESSAGES.publicKey, code);
  if (code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return new MysqlUserError('timeout', MESSAGES.timeout, code);
  if (code !== undefined && NETWORK_CODES.includes(code)) return new MysqlUserError('unavailable', MESSAGES.unreachable, code);
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || code === 'HANDSHAKE_SSL_ERROR') return new MysqlUserError('unavailable', MESSAGES.tls, code);
  if (code !== undefined && /^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|CERT_)/.test(code)) {
    return new MysqlUserError('unavailable', MESSAGES.tls, code);
  }
  return new MysqlUserError('unknown', MESSAGES.unknown, code && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined);
}
