// The PostgreSQL role-password strategy's database side against a real PostgreSQL that
// checks passwords (test/support/password-postgres.ts explains why not the trust-auth one):
// a rotated password logs in and the old one no longer does, the server keeps only a SCRAM
// verifier, and bad admin credentials, missing roles, missing privileges, unreachable
// servers and hostile role names all end as errors that name no value. TLS is verified by
// default, and a server asking for the password in clear text never receives it.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '@/lib/providers/errors';
import {
  type AdminCredential,
  PostgresRoleError,
  parseAdminCredential,
  retireRole,
  roleSessions,
  setRolePassword,
  verifyLogin,
} from '@/lib/rotation/postgres-role';
import { SecretValue } from '@/lib/secret-value';
import { startCleartextServer } from '../support/cleartext-postgres';
import { type PasswordPostgres, startPasswordPostgres } from '../support/password-postgres';
import { rejectionOf } from '../support/errors';
import { eventually } from '../support/eventually';

let server: PasswordPostgres;
let admin: AdminCredential;
let sql: pg.Client;
const createdRoles: string[] = [];
// Roles are cluster-wide: a prefix of our own keeps parallel runs apart.
const PREFIX = `rot_${process.pid}_${randomBytes(2).toString('hex')}`;

beforeAll(async () => {
  server = await startPasswordPostgres();
  // The test server has no TLS: these tests ask for none explicitly (the default is verify-full).
  admin = {
    ...parseAdminCredential(
      new SecretValue(JSON.stringify({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password })),
    ),
    sslmode: 'disable',
  };
  sql = new pg.Client({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
  await sql.connect();
});

afterAll(async () => {
  for (const role of createdRoles) await sql?.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).catch(() => {});
  await sql?.end();
  await server?.stop();
});

const secret = () => `pw-${randomBytes(12).toString('base64url')}`;

async function createRole(suffix: string, password: string | null, extra = 'LOGIN'): Promise<string> {
  const role = `${PREFIX}${suffix}`;
  createdRoles.push(role);
  const pw = password === null ? '' : ` PASSWORD ${pg.escapeLiteral(password)}`;
  await sql.query(`CREATE ROLE ${pg.escapeIdentifier(role)} ${extra}${pw}`);
  return role;
}

async function failure(promise: Promise<unknown>): Promise<PostgresRoleError> {
  const error = await rejectionOf(promise, PostgresRoleError);
  expect(error).toBeInstanceOf(ProviderError);
  return error;
}

function expectNoValue(error: Error, ...values: string[]) {
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })]) {
    for (const value of values) expect(text).not.toContain(value);
  }
  expect(error.cause).toBeUndefined();
}

it('runs against a server that refuses wrong passwords (else verification would prove nothing)', async () => {
  const role = await createRole('_probe', secret());
  expect(await verifyLogin(admin, role, new SecretValue('certainly-not-the-password'))).toBe(false);
  // The machine's trust-auth cluster would have let that in: the embedded one is used here.
  expect(['test-server', 'embedded']).toContain(server.source);
});

describe('setRolePassword and verifyLogin', () => {
  it('rotates: the new password logs in, the old one no longer does; a re-run is harmless', async () => {
    const oldPassword = secret();
    const role = await createRole('_app', oldPassword);
    expect(await verifyLogin(admin, role, new SecretValue(oldPassword))).toBe(true);

    const newPassword = secret();
    await setRolePassword(admin, role, new SecretValue(newPassword));
    expect(await verifyLogin(admin, role, new SecretValue(newPassword))).toBe(true);
    expect(await verifyLogin(admin, role, new SecretValue(oldPassword))).toBe(false);

    await setRolePassword(admin, role, new SecretValue(newPassword));
    expect(await verifyLogin(admin, role, new SecretValue(newPassword))).toBe(true);
  });

  it('stores a SCRAM verifier: the plaintext never reaches the server', async () => {
    const role = await createRole('_scram', secret());
    const password = secret();
    await setRolePassword(admin, role, new SecretValue(password));
    const { rows } = await sql.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
    expect(rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(rows[0].rolpassword).not.toContain(password);
    const { rows: activity } = await sql.query<{ query: string }>("SELECT query FROM pg_stat_activity WHERE query ILIKE '%ALTER ROLE%'");
    for (const row of activity) expect(row.query).not.toContain(password);
  });

  it('accepts passwords with quotes, backslashes and dollar signs', async () => {
    const role = await createRole('_quotes', secret());
    const password = `a'b"c\\d$$e$1;--${randomBytes(4).toString('hex')}`;
    await setRolePassword(admin, role, new SecretValue(password));
    expect(await verifyLogin(admin, role, new SecretValue(password))).toBe(true);
  });

  it('quotes hostile role names: each one is changed, and nothing else is', async () => {
    const victim = await createRole('_victim', secret());
    const hostile = [
      `"; DROP ROLE "${victim}"; --`,
      `'); DROP ROLE ${victim}; --`,
      'with space',
      'MiXeD Case',
      'ünïcødé',
      'back\\slash',
      '"quoted"',
      '$$dollar$$',
    ];
    for (const suffix of hostile) {
      const role = await createRole(suffix, secret());
      const password = secret();
      await setRolePassword(admin, role, new SecretValue(password));
      expect(await verifyLogin(admin, role, new SecretValue(password))).toBe(true);
    }
    const { rowCount } = await sql.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [victim]);
    expect(rowCount).toBe(1);
    // Quoted means case-exact: the lower-cased name is another (missing) role.
    expect((await failure(setRolePassword(admin, `${PREFIX}mixed case`, new SecretValue(secret())))).code).toBe('not_found');
  });

  it('a NOLOGIN role cannot verify: false, not an error', async () => {
    const password = secret();
    const role = await createRole('_nologin', password, 'NOLOGIN');
    expect(await verifyLogin(admin, role, new SecretValue(password))).toBe(false);
  });
});

describe('roleSessions', () => {
  it('sees the sessions of pools grouped by application and address, and not our own connection', async () => {
    const appPassword = secret();
    const role = await createRole('_pooled', appPassword);
    const idle = await createRole('_idle', secret());
    // An admin of its own that may read every session's address, and holds no other session.
    const watcherPassword = secret();
    const watcher = await createRole('_watcher', watcherPassword);
    await sql.query(`GRANT pg_read_all_stats TO ${pg.escapeIdentifier(watcher)}`);
    const watcherAdmin = { ...admin, user: watcher, password: new SecretValue(watcherPassword) };

    const poolOf = (application: string, max: number) =>
      new pg.Pool({ host: '127.0.0.1', port: server.port, database: server.database, user: role, password: appPassword, application_name: application, max });
    const orders = poolOf('orders-api', 3);
    const billing = poolOf('billing', 1);
    const held = await Promise.all([orders.connect(), orders.connect(), orders.connect(), billing.connect()]);
    try {
      const sessions = await roleSessions(watcherAdmin, [role, idle, watcher]);
      expect(sessions).toEqual([
        { user: role, clientAddress: '127.0.0.1', application: 'billing', sessions: 1, since: expect.any(Date) },
        { user: role, clientAddress: '127.0.0.1', application: 'orders-api', sessions: 3, since: expect.any(Date) },
      ]);
      // The oldest login of the group, not the newest.
      const [{ oldest }] = (
        await sql.query<{ oldest: Date }>("SELECT min(backend_start) AS oldest FROM pg_stat_activity WHERE usename = $1 AND application_name = 'orders-api'", [
          role,
        ])
      ).rows;
      expect(sessions[1]!.since!.getTime()).toBe(oldest.getTime());
    } finally {
      for (const client of held) client.release();
      await Promise.all([orders.end(), billing.end()]);
    }
    // A backend leaves pg_stat_activity a moment after its client hung up.
    expect(
      await eventually(
        () => roleSessions(watcherAdmin, [role]),
        (groups) => groups.length === 0,
      ),
    ).toEqual([]);
  });
});

describe('retireRole and enableLogin', () => {
  it('random_password: the old password is refused, an open session keeps working; a new password brings it back', async () => {
    const oldPassword = secret();
    const role = await createRole('_retired', oldPassword);
    const consumer = new pg.Client({ host: server.host, port: server.port, database: server.database, user: role, password: oldPassword });
    await consumer.connect();
    try {
      await retireRole(admin, role, 'random_password');
      await retireRole(admin, role, 'random_password');
      expect(await verifyLogin(admin, role, new SecretValue(oldPassword))).toBe(false);
      expect((await consumer.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]!.ok).toBe(1);
      const { rows } = await sql.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
      expect(rows[0]!.rolpassword).toMatch(/^SCRAM-SHA-256\$/);
    } finally {
      await consumer.end();
    }
    const password = secret();
    await setRolePassword(admin, role, new SecretValue(password));
    expect(await verifyLogin(admin, role, new SecretValue(password))).toBe(true);
  });

  it('disable_login sets NOLOGIN (the right password is refused: false), an open session keeps working; enableLogin undoes it', async () => {
    const password = secret();
    const role = await createRole('_disabled', password);
    const consumer = new pg.Client({ host: server.host, port: server.port, database: server.database, user: role, password });
    await consumer.connect();
    try {
      await retireRole(admin, role, 'disable_login');
      await retireRole(admin, role, 'disable_login');
      expect(await verifyLogin(admin, role, new SecretValue(password))).toBe(false);
      expect((await consumer.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]!.ok).toBe(1);
    } finally {
      await consumer.end();
    }
    const next = secret();
    await setRolePassword(admin, role, new SecretValue(next));
    expect(await verifyLogin(admin, role, new SecretValue(next))).toBe(false);
    await setRolePassword(admin, role, new SecretValue(next), { enableLogin: true });
    expect(await verifyLogin(admin, role, new SecretValue(next))).toBe(true);
    const { rows } = await sql.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
    expect(rows[0]!.rolcanlogin).toBe(true);
  });

  it('a missing role is not_found', async () => {
    for (const mode of ['random_password', 'disable_login'] as const) {
      expect((await failure(retireRole(admin, `${PREFIX}_gone`, mode))).code).toBe('not_found');
    }
  });
});

describe('failures', () => {
  it('a missing role is not_found and changes nothing', async () => {
    const password = secret();
    const error = await failure(setRolePassword(admin, `${PREFIX}_missing`, new SecretValue(password)));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/role does not exist/);
    expectNoValue(error, password);
    expect(await verifyLogin(admin, `${PREFIX}_missing`, new SecretValue(password))).toBe(false);
  });

  it('a wrong admin password is permission_denied without the password in the error', async () => {
    const role = await createRole('_wrongadmin', secret());
    const wrong = `wrong-${secret()}`;
    const badAdmin = { ...admin, password: new SecretValue(wrong) };
    const password = secret();
    const error = await failure(setRolePassword(badAdmin, role, new SecretValue(password)));
    expect(error).toMatchObject({ code: 'permission_denied', providerCode: '28P01' });
    expect(error.message).toMatch(/refused the admin credential/);
    expectNoValue(error, wrong, password);
  });

  it('an admin without CREATEROLE is permission_denied; the target keeps its password', async () => {
    const limitedPassword = secret();
    const limited = await createRole('_limited', limitedPassword);
    const targetPassword = secret();
    const target = await createRole('_target', targetPassword);
    const limitedAdmin = { ...admin, user: limited, password: new SecretValue(limitedPassword) };
    const error = await failure(setRolePassword(limitedAdmin, target, new SecretValue(secret())));
    expect(error).toMatchObject({ code: 'permission_denied', providerCode: '42501' });
    expect(error.message).toMatch(/CREATEROLE/);
    expect(await verifyLogin(admin, target, new SecretValue(targetPassword))).toBe(true);
  });

  it('an unreachable server is unavailable, for setting and for verifying (which does not answer false)', async () => {
    const closed = new (await import('node:net')).Server();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = { ...admin, port };
    const set = await failure(setRolePassword(nowhere, 'anyone', new SecretValue(secret())));
    expect(set).toMatchObject({ code: 'unavailable', providerCode: 'ECONNREFUSED' });
    const verify = await failure(verifyLogin(nowhere, 'anyone', new SecretValue(secret())));
    expect(verify.code).toBe('unavailable');
  });

  it('a database that does not exist is invalid', async () => {
    const error = await failure(setRolePassword({ ...admin, database: `${PREFIX}_nodb` }, 'anyone', new SecretValue(secret())));
    expect(error).toMatchObject({ code: 'invalid', providerCode: '3D000' });
  });

  it('refuses bad role names and non-ASCII passwords before connecting', async () => {
    const role = await createRole('_ascii', secret());
    for (const name of ['', 'x'.repeat(64), 'a\0b']) {
      expect((await failure(setRolePassword(admin, name, new SecretValue(secret())))).code).toBe('invalid');
    }
    const password = `pässwörd-${secret()}`;
    const error = await failure(setRolePassword(admin, role, new SecretValue(password)));
    expect(error.code).toBe('invalid');
    expectNoValue(error, password);
  });
});

describe('what the password is protected by', () => {
  it('TLS with certificate checks is the default: a server without TLS is refused, nothing is sent in clear', async () => {
    const role = await createRole('_tlsdefault', secret());
    const { sslmode: _ignored, ...withoutMode } = admin;
    void _ignored;
    const password = secret();
    const error = await failure(setRolePassword(withoutMode, role, new SecretValue(password)));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/TLS/);
    expectNoValue(error, password, server.password);
    // verify-full by name, too.
    expect((await failure(verifyLogin({ ...admin, sslmode: 'verify-full' }, role, new SecretValue(password)))).message).toMatch(/TLS/);
  });

  it('a server that asks for the password in clear text gets nothing, for the admin and for the role', async () => {
    const fake = await startCleartextServer();
    try {
      const toFake = { ...admin, host: '127.0.0.1', port: fake.port, sslmode: 'disable' as const };
      const password = secret();
      const set = await failure(setRolePassword(toFake, 'anyone', new SecretValue(password)));
      expect(set).toMatchObject({ code: 'permission_denied', providerCode: 'cleartext_password' });
      expect(set.message).toMatch(/clear text/);
      expectNoValue(set, password, admin.password.reveal());
      // Not "the login was refused": verifyLogin must not mistake it for a wrong password.
      const verify = await failure(verifyLogin(toFake, 'anyone', new SecretValue(password)));
      expect(verify.providerCode).toBe('cleartext_password');
      expect(fake.connections).toBe(2);
      expect(fake.passwordMessages).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
