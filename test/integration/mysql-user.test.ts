// The MySQL/MariaDB side of database rotations against the machine's MariaDB: a set password
// logs in and the old one no longer does, the server (and its general log) keeps only the
// native hash, retirement by random password or ACCOUNT LOCK leaves open sessions alone and
// enableLogin undoes the lock, live sessions are counted per client address without our own,
// and bad admin credentials, missing users, unreachable or refused hosts, a server without
// TLS and a server asking for the password in clear text all end as errors naming no value.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TEnv } from '@/lib/env';
import { ProviderError } from '@/lib/providers/errors';
import {
  MysqlUserError,
  mysqlLiveSessions,
  mysqlNativeHash,
  mysqlStringLiteral,
  parseMysqlAdminCredential,
  retireMysqlUser,
  setMysqlPassword,
  verifyMysqlLogin,
} from '@/lib/rotation/mysql-user';
import type { AdminCredential } from '@/lib/rotation/postgres-role';
import { SecretValue } from '@/lib/secret-value';
import { startCleartextMysqlServer } from '../support/cleartext-mysql';
import { rejectionOf } from '../support/errors';
import { eventually } from '../support/eventually';
import { MARIADB, createMysqlUser, dropMysqlUsers, mariadbAdmin, mariadbRoot, mysqlAccountSql, mysqlScratchDatabase, mysqlUserName } from '../support/mariadb';

const settings = vi.hoisted(() => ({ overrides: {} as Partial<TEnv> }));
vi.mock('@/lib/env', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/env')>();
  return { ...real, env: () => ({ ...real.env(), ...settings.overrides }) };
});
afterEach(() => {
  settings.overrides = {};
});

let admin: AdminCredential;
let root: mysql.Connection;
let database: string;

beforeAll(async () => {
  root = await mariadbRoot();
  database = await mysqlScratchDatabase();
  admin = { ...mariadbAdmin(), database };
});

afterAll(async () => {
  await dropMysqlUsers();
});

const secret = () => `pw-${randomBytes(12).toString('base64url')}`;

async function failure(promise: Promise<unknown>): Promise<MysqlUserError> {
  const error = await rejectionOf(promise, MysqlUserError);
  expect(error).toBeInstanceOf(ProviderError);
  return error;
}

function expectNoValue(error: Error, ...values: string[]) {
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })]) {
    for (const value of values) expect(text).not.toContain(value);
  }
  expect(error.cause).toBeUndefined();
}

/** A connection as the account, for sessions a consumer holds open. */
const connectAs = (user: string, password: string) => mysql.createConnection({ host: MARIADB.host, port: MARIADB.port, user, password, database });

it('runs against a server that refuses wrong passwords (else verification would prove nothing)', async () => {
  const account = await createMysqlUser(mysqlUserName('_probe'), secret(), database);
  expect(await verifyMysqlLogin(admin, account, new SecretValue('certainly-not-the-password'))).toBe(false);
});

describe('parseMysqlAdminCredential', () => {
  it('reads our JSON, the RDS shape and mysql:// and mariadb:// URLs', () => {
    const json = parseMysqlAdminCredential(new SecretValue(JSON.stringify({ host: 'db.example', user: 'admin', password: 'p' })));
    expect(json).toMatchObject({ host: 'db.example', port: 3306, database: '', user: 'admin' });
    expect(json.password.reveal()).toBe('p');
    const rds = parseMysqlAdminCredential(new SecretValue(JSON.stringify({ host: 'h', port: '3307', username: 'u', password: 'p', dbname: 'orders' })));
    expect(rds).toMatchObject({ host: 'h', port: 3307, user: 'u', database: 'orders' });
    const url = parseMysqlAdminCredential(new SecretValue('mysql://ad%40min:p%2Fw@db.example:3310/orders?sslmode=require'));
    expect(url).toMatchObject({ host: 'db.example', port: 3310, user: 'ad@min', database: 'orders', sslmode: 'require' });
    expect(url.password.reveal()).toBe('p/w');
    expect(parseMysqlAdminCredential(new SecretValue('mariadb://root:x@[::1]'))).toMatchObject({ host: '::1', port: 3306, database: '' });
  });

  it('names what is wrong, never the text', () => {
    const password = secret();
    for (const text of [`{"host": "h", "user": "u", "password": "${password}"`, `postgres://u:${password}@h/db`, `{"user": "u", "password": "${password}"}`]) {
      const error = (() => {
        try {
          parseMysqlAdminCredential(new SecretValue(text));
        } catch (e) {
          return e as MysqlUserError;
        }
        throw new Error('parsed');
      })();
      expect(error).toBeInstanceOf(MysqlUserError);
      expect(error.code).toBe('invalid');
      expectNoValue(error, password);
    }
  });
});

describe('setMysqlPassword and verifyMysqlLogin', () => {
  it("rotates an account on '%': the new password logs in, the old one no longer does; a re-run is harmless", async () => {
    const oldPassword = secret();
    const account = await createMysqlUser(mysqlUserName('_app'), oldPassword, database);
    expect(await verifyMysqlLogin(admin, account, new SecretValue(oldPassword))).toBe(true);

    const newPassword = secret();
    await setMysqlPassword(admin, { user: account.user }, new SecretValue(newPassword));
    expect(await verifyMysqlLogin(admin, account, new SecretValue(newPassword))).toBe(true);
    expect(await verifyMysqlLogin(admin, account, new SecretValue(oldPassword))).toBe(false);

    await setMysqlPassword(admin, account, new SecretValue(newPassword));
    expect(await verifyMysqlLogin(admin, account, new SecretValue(newPassword))).toBe(true);
  });

  it("rotates an account on '127.0.0.1', and only that account of the user", async () => {
    const name = mysqlUserName('_local');
    const anywhere = await createMysqlUser(name, secret(), database);
    const local = await createMysqlUser(name, secret(), database, { host: '127.0.0.1' });
    const [[before]] = await root.query<mysql.RowDataPacket[]>('SELECT Password AS hash FROM mysql.user WHERE User = ? AND Host = ?', [name, '%']);

    const password = secret();
    await setMysqlPassword(admin, local, new SecretValue(password));
    // We connect from 127.0.0.1, so the server picks the more specific account.
    expect(await verifyMysqlLogin(admin, local, new SecretValue(password))).toBe(true);
    const [[after]] = await root.query<mysql.RowDataPacket[]>('SELECT Password AS hash FROM mysql.user WHERE User = ? AND Host = ?', [name, '%']);
    expect(after!.hash).toBe(before!.hash);
    expect(anywhere.host).toBe('%');
  });

  it('stores the native hash: neither mysql.user nor the general log holds the password', async () => {
    const account = await createMysqlUser(mysqlUserName('_hash'), secret(), database);
    const password = secret();
    const [[logState]] = await root.query<mysql.RowDataPacket[]>('SELECT @@GLOBAL.general_log AS on_, @@GLOBAL.log_output AS output');
    await root.query("SET GLOBAL log_output = 'FILE,TABLE'");
    await root.query('SET GLOBAL general_log = ON');
    try {
      await setMysqlPassword(admin, account, new SecretValue(password));
      await verifyMysqlLogin(admin, account, new SecretValue(password));
    } finally {
      await root.query(`SET GLOBAL general_log = ${Number(logState!.on_) ? 'ON' : 'OFF'}`);
      await root.query('SET GLOBAL log_output = ?', [logState!.output]);
    }
    const [[row]] = await root.query<mysql.RowDataPacket[]>('SELECT Password AS hash, plugin FROM mysql.user WHERE User = ? AND Host = ?', [account.user, '%']);
    expect(row).toMatchObject({ hash: mysqlNativeHash(new SecretValue(password)), plugin: 'mysql_native_password' });
    expect(row!.hash).toMatch(/^\*[0-9A-F]{40}$/);
    const [logged] = await root.query<mysql.RowDataPacket[]>(
      "SELECT CONVERT(argument USING utf8mb4) AS text FROM mysql.general_log WHERE CONVERT(argument USING utf8mb4) LIKE '%ALTER USER%' AND CONVERT(argument USING utf8mb4) LIKE ?",
      [`%${account.user}%`],
    );
    expect(logged.length).toBeGreaterThan(0);
    for (const entry of logged) {
      expect(entry.text).toContain('IDENTIFIED BY PASSWORD');
      expect(entry.text).not.toContain(password);
    }
    const [all] = await root.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM mysql.general_log WHERE CONVERT(argument USING utf8mb4) LIKE ?', [
      `%${password}%`,
    ]);
    expect(Number(all[0]!.n)).toBe(0);
  });

  it('accepts passwords with quotes, backslashes and percent signs', async () => {
    const account = await createMysqlUser(mysqlUserName('_quotes'), secret(), database);
    const password = `a'b"c\\d%e_f;--${randomBytes(4).toString('hex')}`;
    await setMysqlPassword(admin, account, new SecretValue(password));
    expect(await verifyMysqlLogin(admin, account, new SecretValue(password))).toBe(true);
  });

  it('quotes hostile user names: each one is changed, and nothing else is', async () => {
    const victimPassword = secret();
    const victim = await createMysqlUser(mysqlUserName('_victim'), victimPassword, database);
    const hostile = [`'@'%' ACCOUNT LOCK; --`, `\\'; DROP USER '${victim.user}'@'%'; --`, 'with space', 'back\\slash', '"quoted"', '`tick`', 'ünï'];
    for (const suffix of hostile) {
      const account = await createMysqlUser(mysqlUserName(suffix), secret(), database);
      const password = secret();
      await setMysqlPassword(admin, account, new SecretValue(password));
      expect(await verifyMysqlLogin(admin, account, new SecretValue(password)), suffix).toBe(true);
    }
    expect(await verifyMysqlLogin(admin, victim, new SecretValue(victimPassword))).toBe(true);
  });

  it('escapes string literals for both meanings of a backslash (sql_mode NO_BACKSLASH_ESCAPES)', async () => {
    const texts = [`it's`, `back\\slash\\'`, `"double"`, `mixed\\'' '\\`, `tab\tnew\nline`, 'ünï'];
    const session = await mysql.createConnection({ ...MARIADB });
    try {
      for (const noBackslash of [false, true]) {
        await session.query(noBackslash ? "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'" : "SET SESSION sql_mode = ''");
        for (const text of texts) {
          const [[row]] = await session.query<mysql.RowDataPacket[]>(`SELECT ${mysqlStringLiteral(text, noBackslash)} AS v`);
          expect(row!.v, `${noBackslash} ${text}`).toBe(text);
        }
      }
    } finally {
      await session.end();
    }
  });
});

describe('retirement', () => {
  it('random_password: the old password is refused, an open session keeps working; setting a password brings it back', async () => {
    const oldPassword = secret();
    const account = await createMysqlUser(mysqlUserName('_retired'), oldPassword, database);
    const consumer = await connectAs(account.user, oldPassword);
    try {
      await retireMysqlUser(admin, account, 'random_password');
      expect(await verifyMysqlLogin(admin, account, new SecretValue(oldPassword))).toBe(false);
      const [[row]] = await consumer.query<mysql.RowDataPacket[]>('SELECT 1 AS ok');
      expect(row!.ok).toBe(1);
      await retireMysqlUser(admin, account, 'random_password');
      const [[stored]] = await root.query<mysql.RowDataPacket[]>('SELECT Password AS hash FROM mysql.user WHERE User = ? AND Host = ?', [account.user, '%']);
      expect(stored!.hash).toMatch(/^\*[0-9A-F]{40}$/);
      expect(stored!.hash).not.toBe(mysqlNativeHash(new SecretValue(oldPassword)));
    } finally {
      await consumer.end();
    }
    const password = secret();
    await setMysqlPassword(admin, account, new SecretValue(password));
    expect(await verifyMysqlLogin(admin, account, new SecretValue(password))).toBe(true);
  });

  it('disable_login locks the account (a login with the right password is refused: false); enableLogin undoes it', async () => {
    const password = secret();
    const account = await createMysqlUser(mysqlUserName('_locked'), password, database);
    const consumer = await connectAs(account.user, password);
    try {
      await retireMysqlUser(admin, account, 'disable_login');
      await retireMysqlUser(admin, account, 'disable_login');
      expect(await verifyMysqlLogin(admin, account, new SecretValue(password))).toBe(false);
      const [[row]] = await consumer.query<mysql.RowDataPacket[]>('SELECT 1 AS ok');
      expect(row!.ok).toBe(1);
    } finally {
      await consumer.end();
    }
    // A password alone does not unlock it.
    const next = secret();
    await setMysqlPassword(admin, account, new SecretValue(next));
    expect(await verifyMysqlLogin(admin, account, new SecretValue(next))).toBe(false);
    await setMysqlPassword(admin, account, new SecretValue(next), { enableLogin: true });
    expect(await verifyMysqlLogin(admin, account, new SecretValue(next))).toBe(true);
  });

  it('a missing user is not_found', async () => {
    for (const mode of ['random_password', 'disable_login'] as const) {
      expect(await failure(retireMysqlUser(admin, { user: mysqlUserName('_gone') }, mode))).toMatchObject({ code: 'not_found', providerCode: '1396' });
    }
  });
});

describe('mysqlLiveSessions', () => {
  it('sees a pool of 3 connections of a user from 127.0.0.1, grouped, and not our own connection', async () => {
    const appPassword = secret();
    const app = await createMysqlUser(mysqlUserName('_pooled'), appPassword, database);
    const idle = await createMysqlUser(mysqlUserName('_idle'), secret(), database);
    // An admin of its own, so that "not our own" is visible: it holds no other session.
    const adminPassword = secret();
    const watcher = await createMysqlUser(mysqlUserName('_watcher'), adminPassword);
    await root.query(`GRANT PROCESS ON *.* TO ${mysqlAccountSql(watcher)}`);
    const watcherAdmin = { ...admin, database: '', user: watcher.user, password: new SecretValue(adminPassword) };

    const pool = mysql.createPool({ host: MARIADB.host, port: MARIADB.port, user: app.user, password: appPassword, database, connectionLimit: 3 });
    const held = await Promise.all([pool.getConnection(), pool.getConnection(), pool.getConnection()]);
    try {
      const sessions = await mysqlLiveSessions(watcherAdmin, [app.user, idle.user, watcher.user]);
      expect(sessions).toEqual([{ user: app.user, clientAddress: '127.0.0.1', application: '', sessions: 3, since: expect.any(Date) }]);
      expect(sessions[0]!.since!.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      for (const connection of held) connection.release();
      await pool.end();
    }
    // A thread leaves the process list a moment after its client hung up.
    expect(
      await eventually(
        () => mysqlLiveSessions(watcherAdmin, [app.user]),
        (groups) => groups.length === 0,
      ),
    ).toEqual([]);
    expect(await mysqlLiveSessions(watcherAdmin, [])).toEqual([]);
  });

  it('an admin without PROCESS is told so, instead of seeing nobody', async () => {
    const password = secret();
    const blind = await createMysqlUser(mysqlUserName('_blind'), password);
    const app = await createMysqlUser(mysqlUserName('_seen'), password, database);
    const consumer = await connectAs(app.user, password);
    try {
      const error = await failure(mysqlLiveSessions({ ...admin, database: '', user: blind.user, password: new SecretValue(password) }, [app.user]));
      expect(error).toMatchObject({ code: 'permission_denied', providerCode: 'PROCESS' });
      expect(error.message).toMatch(/PROCESS privilege/);
    } finally {
      await consumer.end();
    }
  });
});

describe('failures', () => {
  it('a missing user is not_found and changes nothing', async () => {
    const password = secret();
    const missing = { user: mysqlUserName('_missing') };
    const error = await failure(setMysqlPassword(admin, missing, new SecretValue(password)));
    expect(error).toMatchObject({ code: 'not_found', providerCode: '1396' });
    expect(error.message).toMatch(/user does not exist/);
    expectNoValue(error, password, missing.user);
    expect(await verifyMysqlLogin(admin, missing, new SecretValue(password))).toBe(false);
  });

  it('a wrong admin password is permission_denied without the password in the error', async () => {
    const account = await createMysqlUser(mysqlUserName('_wrongadmin'), secret(), database);
    const wrong = `wrong-${secret()}`;
    const password = secret();
    const error = await failure(setMysqlPassword({ ...admin, password: new SecretValue(wrong) }, account, new SecretValue(password)));
    expect(error).toMatchObject({ code: 'permission_denied', providerCode: '1045' });
    expect(error.message).toMatch(/refused the admin credential/);
    expectNoValue(error, wrong, password);
  });

  it('an admin without CREATE USER is permission_denied; the target keeps its password', async () => {
    const limitedPassword = secret();
    const limited = await createMysqlUser(mysqlUserName('_limited'), limitedPassword);
    const targetPassword = secret();
    const target = await createMysqlUser(mysqlUserName('_target'), targetPassword, database);
    const next = secret();
    const error = await failure(
      setMysqlPassword({ ...admin, database: '', user: limited.user, password: new SecretValue(limitedPassword) }, target, new SecretValue(next)),
    );
    expect(error).toMatchObject({ code: 'permission_denied', providerCode: '1227' });
    expect(error.message).toMatch(/CREATE USER/);
    expectNoValue(error, next, limitedPassword);
    expect(await verifyMysqlLogin(admin, target, new SecretValue(targetPassword))).toBe(true);
  });

  it('an unreachable port is unavailable, for setting and for verifying (which does not answer false)', async () => {
    const closed = new (await import('node:net')).Server();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = { ...admin, port };
    const password = secret();
    const set = await failure(setMysqlPassword(nowhere, { user: 'anyone' }, new SecretValue(password)));
    expect(set).toMatchObject({ code: 'unavailable', providerCode: 'ECONNREFUSED' });
    expectNoValue(set, password);
    expect((await failure(verifyMysqlLogin(nowhere, { user: 'anyone' }, new SecretValue(password)))).code).toBe('unavailable');
    expect((await failure(mysqlLiveSessions(nowhere, ['anyone']))).code).toBe('unavailable');
  });

  it('a host the egress policy refuses is refused before connecting, by address and by name', async () => {
    settings.overrides = { EGRESS_ALLOW: [] };
    const account = await createMysqlUser(mysqlUserName('_egress'), secret(), database);
    const password = secret();
    for (const host of ['127.0.0.1', 'localhost']) {
      const error = await failure(setMysqlPassword({ ...admin, host }, account, new SecretValue(password)));
      expect(error, host).toMatchObject({ code: 'refused', providerCode: 'EGRESS_REFUSED', message: expect.stringMatching(/loopback address/) });
      expectNoValue(error, password);
      expect((await failure(verifyMysqlLogin({ ...admin, host }, account, new SecretValue(password)))).code).toBe('refused');
    }
    settings.overrides = {};
    await setMysqlPassword(admin, account, new SecretValue(password));
  });

  it('an admin that may not use the named database is told so (and the user likewise when verifying)', async () => {
    const password = secret();
    const outsider = await createMysqlUser(mysqlUserName('_outsider'), password);
    const asOutsider = { ...admin, user: outsider.user, password: new SecretValue(password) };
    const error = await failure(setMysqlPassword(asOutsider, outsider, new SecretValue(secret())));
    expect(error).toMatchObject({
      code: 'permission_denied',
      providerCode: '1044',
      message: expect.stringMatching(/admin credential may not use the database/),
    });
    const verify = await failure(verifyMysqlLogin(admin, outsider, new SecretValue(password)));
    expect(verify).toMatchObject({ code: 'permission_denied', providerCode: '1044', message: expect.stringMatching(/cannot be verified/) });
  });

  it('a server that accepts the connection and never answers is a timeout', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket.on('error', () => {})));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (silent.address() as { port: number }).port;
      const error = await failure(verifyMysqlLogin({ ...admin, port }, { user: 'anyone' }, new SecretValue(secret()), { timeoutMs: 300 }));
      expect(error).toMatchObject({ code: 'timeout', providerCode: 'ETIMEDOUT' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a database that does not exist is invalid', async () => {
    const error = await failure(setMysqlPassword({ ...admin, database: `${database}_nodb` }, { user: 'anyone' }, new SecretValue(secret())));
    expect(error).toMatchObject({ code: 'invalid', providerCode: '1049' });
  });

  it('refuses bad user names, hosts and non-ASCII passwords before connecting', async () => {
    const account = await createMysqlUser(mysqlUserName('_ascii'), secret(), database);
    for (const bad of [{ user: '' }, { user: 'x'.repeat(81) }, { user: 'a\0b' }, { user: 'ok', host: '' }, { user: 'ok', host: 'a\0' }]) {
      expect((await failure(setMysqlPassword({ ...admin, port: 1 }, bad, new SecretValue(secret())))).code).toBe('invalid');
    }
    const password = `pässwörd-${secret()}`;
    const error = await failure(setMysqlPassword(admin, account, new SecretValue(password)));
    expect(error.code).toBe('invalid');
    expectNoValue(error, password);
  });
});

describe('what the password is protected by', () => {
  it('TLS with certificate checks is the default: a server without TLS is refused, nothing is sent in clear', async () => {
    const account = await createMysqlUser(mysqlUserName('_tls'), secret(), database);
    const { sslmode: _ignored, ...withoutMode } = admin;
    void _ignored;
    const password = secret();
    const error = await failure(setMysqlPassword(withoutMode, account, new SecretValue(password)));
    expect(error).toMatchObject({ code: 'unavailable', providerCode: 'HANDSHAKE_NO_SSL_SUPPORT' });
    expect(error.message).toMatch(/TLS/);
    expectNoValue(error, password);
    expect((await failure(verifyMysqlLogin({ ...admin, sslmode: 'verify-full' }, account, new SecretValue(password)))).message).toMatch(/TLS/);
    expect((await failure(verifyMysqlLogin({ ...admin, sslmode: 'require' }, account, new SecretValue(password)))).message).toMatch(/TLS/);
  });

  it('the fake server collects a password from a client that allows clear text (so the next test means something)', async () => {
    const fake = await startCleartextMysqlServer();
    try {
      const password = secret();
      await mysql.createConnection({ host: '127.0.0.1', port: fake.port, user: 'u', password, enableCleartextPlugin: true, connectTimeout: 2000 }).then(
        (c) => c.destroy(),
        () => {},
      );
      expect(fake.answersAfterSwitch).toBe(1);
      expect(fake.received().includes(Buffer.from(password))).toBe(true);
    } finally {
      await fake.close();
    }
  });

  for (const initialPlugin of ['mysql_native_password', 'mysql_clear_password']) {
    it(`a server that switches to mysql_clear_password gets nothing (greeting with ${initialPlugin}), for the admin and for the user`, async () => {
      const fake = await startCleartextMysqlServer(initialPlugin);
      try {
        const toFake = { ...admin, port: fake.port, database: '' };
        const password = secret();
        const set = await failure(setMysqlPassword(toFake, { user: 'anyone' }, new SecretValue(password)));
        expect(set).toMatchObject({ code: 'permission_denied', providerCode: 'mysql_clear_password' });
        expect(set.message).toMatch(/clear text/);
        expectNoValue(set, password);
        // Not "the login was refused": verifyLogin must not mistake it for a wrong password.
        const verify = await failure(verifyMysqlLogin(toFake, { user: 'anyone' }, new SecretValue(password)));
        expect(verify.providerCode).toBe('mysql_clear_password');
        expect(fake.connections).toBe(2);
        expect(fake.answersAfterSwitch).toBe(0);
        expect(fake.received().includes(Buffer.from(password))).toBe(false);
        // Our connections say who they are (connect attribute program_name).
        expect(fake.received().includes(Buffer.from('secret-inventory-rotation'))).toBe(true);
      } finally {
        await fake.close();
      }
    });
  }
});
