// The database side of the PostgreSQL role-password rotation: read the admin credential
// (itself a secret in the provider, never stored by the app), set a role's new password,
// and prove the new password logs in before the rotation promotes it.
//
// ALTER ROLE takes no bind parameters, so the statement is built with pg's escapeIdentifier
// and escapeLiteral. The password does not travel in it as text: it is hashed here into a
// SCRAM-SHA-256 verifier (what psql's \password does), so server logs (log_statement=ddl),
// pg_stat_statements and psql history never see it. Errors carry our own messages and the
// SQLSTATE or socket code only; a server message can quote the statement, so none is kept.
//
// The password never goes over the wire in clear: a server that asks for it in clear text
// (AuthenticationCleartextPassword, what a fake or hostile server would ask to collect it)
// is refused before pg answers, and TLS verifies the certificate and host name by default
// (verify-full; the run's settings may ask for less only where the host allowlist allows it).
import 'server-only';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import pg from 'pg';
import { EgressRefusedError, egressSocket } from '@/lib/net/egress';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { SecretValue } from '@/lib/secret-value';
import { parseDatabaseCredential } from './database-credential';

export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** The application name our own connections carry, so session counts can leave them out. */
export const ROTATION_APPLICATION = 'secret-inventory-rotation';

/** Where and as whom to connect. The password stays wrapped: this object may be logged. */
export interface AdminCredential {
  host: string;
  port: number;
  database: string;
  user: string;
  password: SecretValue;
  /** libpq's meaning; omitted = verify-full. verify-ca checks the host name too. The
   *  rotation engine sets it from the run's settings, not from the credential's text. */
  sslmode?: SslMode;
}

export interface PostgresCallOptions {
  /** Deadline for connecting and for each statement. Default 10 s. */
  timeoutMs?: number;
}

/** A ProviderError (so the rotation engine retries and reports it like a provider failure)
 *  about the database the role lives in. */
export class PostgresRoleError extends ProviderError {
  constructor(code: ProviderErrorCode, message: string, providerCode?: string) {
    super(code, message, providerCode);
    this.name = 'PostgresRoleError';
  }
}

const MESSAGES = {
  credentialShape:
    'The admin credential must be JSON {"host","port","database","user","password"} (RDS-style "username"/"dbname" work too) or a postgres:// URL.',
  roleName: 'The role name must be 1 to 63 bytes without NUL characters.',
  passwordChars: 'The new password must be 1 to 1024 printable ASCII characters.',
  roleMissing: 'The role does not exist on this database server. Check the role name in the rotation settings.',
  privilege: "The admin credential may not change this role's password. It needs CREATEROLE (and, for a superuser role, to be a superuser itself).",
  adminLogin: 'The database refused the admin credential (wrong user or password, or pg_hba.conf does not allow it). Check the admin secret.',
  noDatabase: 'The database named in the admin credential does not exist.',
  noConnect: 'The role may not connect to the database named in the admin credential, so its new password cannot be verified.',
  unreachable: 'The database server could not be reached. Check host and port in the admin credential and the network path.',
  busy: 'The database server is not accepting connections right now (starting up, shutting down or out of connection slots). Try again.',
  timeout: 'The database server did not answer in time. Running the step again is safe.',
  tls: "The TLS connection to the database failed (no TLS, an untrusted certificate or another host name). Check the server's certificate, or the TLS setting of the rotation.",
  cleartext: 'The database server asked for the password in clear text; it was not sent. Configure the server for scram-sha-256 authentication.',
  unknown: 'The database returned an unexpected error. Nothing was changed that a re-run would not repeat safely.',
} as const;

/** The admin credential read from the provider: JSON (ours or the RDS shape) or a URL.
 *  Errors name what is wrong, never the text (it holds a password). */
export function parseAdminCredential(value: SecretValue): AdminCredential {
  return parseDatabaseCredential(value, {
    urlScheme: /^postgres(ql)?:\/\//i,
    defaultPort: 5432,
    databaseRequired: true,
    shapeMessage: MESSAGES.credentialShape,
    invalid: (message) => new PostgresRoleError('invalid', message),
  });
}

/** Sets the role's password to `password` (and, with enableLogin, lets it log in again
 *  after an alternating-users retirement set it NOLOGIN). Running it again with the same
 *  password is harmless (each run stores a fresh verifier of the same password). */
export async function setRolePassword(
  admin: AdminCredential,
  role: string,
  password: SecretValue,
  options: PostgresCallOptions & { enableLogin?: boolean } = {},
): Promise<void> {
  checkRoleName(role);
  const verifier = scramVerifier(password);
  await withClient(clientConfig(admin, admin.user, admin.password, options), 'admin', async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role]);
    if (!rowCount) throw new PostgresRoleError('not_found', MESSAGES.roleMissing, '42704');
    // Never logged: even as a verifier it is a credential.
    await client.query(`ALTER ROLE ${pg.escapeIdentifier(role)} WITH ${options.enableLogin ? 'LOGIN ' : ''}PASSWORD ${pg.escapeLiteral(verifier)}`);
  });
}

/** Retires a role nobody should use any more: its password becomes a random one that is
 *  never kept anywhere, or it may no longer log in (NOLOGIN). Sessions already open stay
 *  open (PostgreSQL checks the password at login only). Repeating it is harmless. */
export async function retireRole(
  admin: AdminCredential,
  role: string,
  mode: 'random_password' | 'disable_login',
  options: PostgresCallOptions = {},
): Promise<void> {
  checkRoleName(role);
  const statement =
    mode === 'disable_login'
      ? `ALTER ROLE ${pg.escapeIdentifier(role)} NOLOGIN`
      : `ALTER ROLE ${pg.escapeIdentifier(role)} WITH PASSWORD ${pg.escapeLiteral(scramVerifier(new SecretValue(randomBytes(33).toString('base64url'))))}`;
  await withClient(clientConfig(admin, admin.user, admin.password, options), 'admin', async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role]);
    if (!rowCount) throw new PostgresRoleError('not_found', MESSAGES.roleMissing, '42704');
    await client.query(statement);
  });
}

/** One group of live sessions logged in as a user: from where, by which program. */
export interface LiveSession {
  user: string;
  /** The client's address; "local" for a Unix socket. */
  clientAddress: string;
  /** application_name (PostgreSQL); MySQL has none ("" then). */
  application: string;
  sessions: number;
  /** When the oldest of them logged in. */
  since: Date | null;
}

/** The client sessions now logged in as any of `roles`, grouped by client address and
 *  application (pg_stat_activity; the admin needs pg_read_all_stats, or to be a superuser,
 *  to see other roles' addresses). Our own rotation connections are left out. */
export async function roleSessions(admin: AdminCredential, roles: string[], options: PostgresCallOptions = {}): Promise<LiveSession[]> {
  roles.forEach(checkRoleName);
  let rows: { usename: string; client: string | null; app: string | null; sessions: number; since: Date | null }[] = [];
  await withClient(clientConfig(admin, admin.user, admin.password, options), 'admin', async (client) => {
    ({ rows } = await client.query(
      `SELECT usename, host(client_addr) AS client, application_name AS app, count(*)::int AS sessions, min(backend_start) AS since
         FROM pg_catalog.pg_stat_activity
        WHERE usename = ANY($1::text[]) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND application_name <> $2
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [roles, ROTATION_APPLICATION],
    ));
  });
  return rows.map((r) => ({ user: r.usename, clientAddress: r.client ?? 'local', application: r.app ?? '', sessions: r.sessions, since: r.since }));
}

/** Opens a connection as `role` with `password` to the admin credential's host, port and
 *  database and runs SELECT 1. False when the server refuses the login; other failures
 *  (unreachable, no CONNECT privilege) throw, since they say nothing about the password. */
export async function verifyLogin(admin: AdminCredential, role: string, password: SecretValue, options: PostgresCallOptions = {}): Promise<boolean> {
  checkRoleName(role);
  try {
    await withClient(clientConfig(admin, role, password, options), 'role', async (client) => {
      await client.query('SELECT 1');
    });
    return true;
  } catch (error) {
    if (error instanceof PostgresRoleError && error.providerCode !== undefined && LOGIN_REFUSED.includes(error.providerCode)) return false;
    throw error;
  }
}

/** invalid_password, invalid_authorization_specification (no such role, NOLOGIN, pg_hba reject). */
const LOGIN_REFUSED = ['28P01', '28000'];

function checkRoleName(role: string): void {
  if (role.length === 0 || Buffer.byteLength(role, 'utf8') > 63 || role.includes('\0')) {
    throw new PostgresRoleError('invalid', MESSAGES.roleName);
  }
}

function clientConfig(admin: AdminCredential, user: string, password: SecretValue, options: PostgresCallOptions): pg.ClientConfig {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sslmode = admin.sslmode ?? 'verify-full';
  return {
    host: admin.host,
    port: admin.port,
    database: admin.database,
    user,
    password: password.reveal(),
    ssl: sslOf(admin.host, sslmode),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: ROTATION_APPLICATION,
    // The host comes from a secret a person wrote: its socket passes the egress policy.
    stream: egressSocket,
  };
}

/** pg's TLS options for libpq's sslmode: verify-ca and verify-full check the chain and the
 *  host name (servername for SNI and the identity check; pg leaves it unset for IPs, where
 *  Node checks the address instead). */
export function sslOf(host: string, sslmode: SslMode): pg.ClientConfig['ssl'] {
  if (sslmode === 'disable') return false;
  if (sslmode === 'require') return { rejectUnauthorized: false };
  return isIP(host) ? { rejectUnauthorized: true } : { rejectUnauthorized: true, servername: host };
}

/** One short-lived connection; every failure leaves as a PostgresRoleError. */
async function withClient(config: pg.ClientConfig, as: 'admin' | 'role', work: (client: pg.Client) => Promise<void>): Promise<void> {
  // pg asks for the password (a function may supply it) only once the server named the
  // method. Our listener on the connection runs before pg's own (it is attached at
  // connect()), so a clear-text request is seen first and the password is withheld.
  let cleartext = false;
  const password = config.password;
  const client = new pg.Client({
    ...config,
    password: () => {
      if (cleartext) throw new PostgresRoleError('permission_denied', MESSAGES.cleartext, 'cleartext_password');
      return typeof password === 'string' ? password : '';
    },
  });
  client.connection.once('authenticationCleartextPassword', () => {
    cleartext = true;
  });
  // A connection that breaks later emits 'error' on the client; without a listener that
  // would crash the process. The failing query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    await work(client);
  } catch (error) {
    throw toPostgresRoleError(error, as);
  } finally {
    await client.end().catch(() => {});
  }
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE'];

/** Reads the SQLSTATE or socket code, never the message (it can quote the statement). */
export function toPostgresRoleError(error: unknown, as: 'admin' | 'role'): PostgresRoleError {
  if (error instanceof PostgresRoleError) return error;
  if (error instanceof EgressRefusedError) return new PostgresRoleError('refused', error.message, error.code);
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
  const text = error instanceof Error ? error.message : '';
  if (code === '28P01' || code === '28000') {
    // For the role this is the answer verifyLogin looks for; for the admin, a bad credential.
    return new PostgresRoleError('permission_denied', as === 'admin' ? MESSAGES.adminLogin : 'The database refused the login.', code);
  }
  if (code === '42704') return new PostgresRoleError('not_found', MESSAGES.roleMissing, code);
  if (code === '42501') return new PostgresRoleError('permission_denied', as === 'admin' ? MESSAGES.privilege : MESSAGES.noConnect, code);
  if (code === '3D000') return new PostgresRoleError('invalid', MESSAGES.noDatabase, code);
  if (code === '57P03' || code === '53300' || code === '57P01') return new PostgresRoleError('unavailable', MESSAGES.busy, code);
  if (code === '57014' || code === 'ETIMEDOUT') return new PostgresRoleError('timeout', MESSAGES.timeout, code);
  if (code !== undefined && NETWORK_CODES.includes(code)) return new PostgresRoleError('unavailable', MESSAGES.unreachable, code);
  if (code !== undefined && /^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|CERT_)/.test(code)) {
    return new PostgresRoleError('unavailable', MESSAGES.tls, code);
  }
  // pg's own errors have no code; read only to classify, never passed on.
  if (/timeout/i.test(text)) return new PostgresRoleError('timeout', MESSAGES.timeout);
  if (/does not support SSL|SSL/i.test(text)) return new PostgresRoleError('unavailable', MESSAGES.tls);
  if (/Connection terminated/i.test(text)) return new PostgresRoleError('unavailable', MESSAGES.unreachable);
  return new PostgresRoleError('unknown', MESSAGES.unknown, code);
}

/** The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, as
 *  PQencryptPasswordConn builds it). Printable ASCII only: for it SASLprep changes nothing,
 *  so the server and every client derive the same keys. */
export function scramVerifier(password: SecretValue, iterations = 4096, salt: Buffer = randomBytes(16)): string {
  const text = password.reveal();
  if (text.length === 0 || text.length > 1024 || !/^[\x20-\x7e]+$/.test(text)) {
    throw new PostgresRoleError('invalid', MESSAGES.passwordChars);
  }
  const salted = pbkdf2Sync(text, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  salted.fill(0);
  clientKey.fill(0);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
