import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '@/lib/secret-value';
import { PostgresRoleError, parseAdminCredential, scramVerifier } from './postgres-role';

const CANARY = 'canary-Pa55:w@rd/%';

function parseError(text: string): PostgresRoleError {
  try {
    parseAdminCredential(new SecretValue(text));
  } catch (error) {
    expect(error).toBeInstanceOf(PostgresRoleError);
    const e = error as PostgresRoleError;
    expect(e.code).toBe('invalid');
    for (const out of [e.message, e.stack ?? '', JSON.stringify(e), inspect(e)]) expect(out).not.toContain('canary');
    expect(e.cause).toBeUndefined();
    return e;
  }
  throw new Error('expected a PostgresRoleError');
}

describe('parseAdminCredential', () => {
  it('reads our JSON, with the port defaulting to 5432, and keeps the password wrapped', () => {
    const credential = parseAdminCredential(
      new SecretValue(JSON.stringify({ host: 'db.internal', database: 'app', user: 'admin', password: CANARY, sslmode: 'verify-full' })),
    );
    expect(credential).toMatchObject({ host: 'db.internal', port: 5432, database: 'app', user: 'admin', sslmode: 'verify-full' });
    expect(credential.password.reveal()).toBe(CANARY);
    expect(inspect(credential)).not.toContain('canary');
    expect(JSON.stringify(credential)).not.toContain('canary');
  });

  it('reads the RDS secret shape (username, dbname, numeric port)', () => {
    const credential = parseAdminCredential(
      new SecretValue(JSON.stringify({ engine: 'postgres', host: 'x.rds.amazonaws.com', port: 6432, username: 'master', dbname: 'main', password: CANARY })),
    );
    expect(credential).toMatchObject({ host: 'x.rds.amazonaws.com', port: 6432, database: 'main', user: 'master' });
  });

  it('reads a postgres:// URL with %-escapes, IPv6 hosts, sslmode, and the user as default database', () => {
    const url = `postgresql://ad%40min:${encodeURIComponent(CANARY)}@[::1]:6543/my%20db?sslmode=require`;
    const credential = parseAdminCredential(new SecretValue(url));
    expect(credential).toMatchObject({ host: '::1', port: 6543, database: 'my db', user: 'ad@min', sslmode: 'require' });
    expect(credential.password.reveal()).toBe(CANARY);
    expect(parseAdminCredential(new SecretValue(`postgres://root:${encodeURIComponent(CANARY)}@localhost`))).toMatchObject({
      port: 5432,
      database: 'root',
    });
  });

  it('explains what is wrong without quoting the text', () => {
    expect(parseError(`{"password": "${CANARY}", `).message).toMatch(/not valid JSON/);
    expect(parseError(`${CANARY}`).message).toMatch(/JSON .* or a postgres:\/\/ URL/);
    expect(parseError(JSON.stringify({ password: CANARY, host: 'h' })).message).toMatch(/Missing or invalid: database, user\./);
    expect(parseError(JSON.stringify({ password: CANARY, host: 'h', user: 'u', database: 'd', port: 70000 })).message).toMatch(/port/);
    expect(parseError(JSON.stringify({ password: CANARY, host: 'h', user: 'u', database: 'd', sslmode: 'prefer' })).message).toMatch(/sslmode/);
    expect(parseError(`postgres://u:${CANARY}%zz@h/d`).message).toMatch(/%-escape/);
    expect(parseError(`postgres://u:${encodeURIComponent(CANARY)}@:99999/d`).message).toMatch(/cannot be parsed/);
    expect(parseError('[1, 2]').message).toMatch(/or a postgres:\/\/ URL\.$/);
  });
});

describe('scramVerifier', () => {
  it("has PostgreSQL's format, a fresh salt each time, and is a function of password and salt", () => {
    const password = new SecretValue('correct horse battery staple');
    const a = scramVerifier(password);
    const b = scramVerifier(password);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    const salt = Buffer.alloc(16, 7);
    expect(scramVerifier(password, 4096, salt)).toBe(scramVerifier(password, 4096, salt));
    expect(scramVerifier(password, 4096, salt)).not.toBe(scramVerifier(new SecretValue('another one'), 4096, salt));
  });

  it('takes printable ASCII only (where SASLprep changes nothing)', () => {
    for (const bad of ['', 'tab\there', 'ümlaut', 'x'.repeat(1025)]) {
      expect(() => scramVerifier(new SecretValue(bad))).toThrow(PostgresRoleError);
    }
  });
});
