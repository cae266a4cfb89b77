// The app's database client when the database goes away and comes back: a loopback TCP
// proxy (test/support/tcp-proxy.ts) between the client and PostgreSQL is cut. Every kind
// of call fails with DatabaseUnavailableError (never the driver's error), health says
// "unreachable" promptly, and the same pool works again once the proxy is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { failureOf } from '@/lib/action';
import type { Caller } from '@/lib/auth/caller';
import { databaseReachable } from '@/lib/data/health';
import { db } from '@/lib/db';
import { outageInProgress } from '@/lib/db-outage';
import { DatabaseUnavailableError } from '@/lib/errors';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

// Read when the pool is first created (lib/env.ts parses lazily): a short wait for a
// connection, so the silent-host case below fails in a second.
process.env.DATABASE_CONNECT_TIMEOUT_MS = '1000';
useTestDatabase();

let proxy: TcpProxy;

// After useTestDatabase's beforeAll, before the app's client is first used (lib/env.ts
// reads DATABASE_URL once).
beforeAll(async () => {
  const direct = new URL(process.env.DATABASE_URL!);
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  direct.hostname = '127.0.0.1';
  direct.port = String(proxy.port);
  process.env.DATABASE_URL = direct.toString();
});

afterAll(async () => {
  await proxy.restore().catch(() => {});
});

describe('a database outage', () => {
  it('turns every failure into DatabaseUnavailableError and recovers without a new client', async () => {
    expect(await db.user.count()).toBeGreaterThanOrEqual(0);
    expect(await databaseReachable()).toBe(true);

    await proxy.cut();
    expect(await errorOf(db.user.findFirst())).toBeInstanceOf(DatabaseUnavailableError);
    expect(await errorOf(db.$queryRaw`SELECT 1`)).toBeInstanceOf(DatabaseUnavailableError);
    expect(await errorOf(db.$transaction(async (tx) => tx.user.count()))).toBeInstanceOf(DatabaseUnavailableError);
    expect(await errorOf(db.$transaction([db.user.count()]))).toBeInstanceOf(DatabaseUnavailableError);
    expect(outageInProgress()).toBe(true);

    const started = Date.now();
    expect(await databaseReachable()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_500);

    // An action's answer says what happened, without the driver's details.
    const error = await errorOf(db.user.findFirst());
    const failure = failureOf(error, { user: null, request: { requestId: 'r-1' } } as unknown as Caller);
    expect(failure.error).toBe('The database cannot be reached, so nothing was changed. Try again in a moment.');

    await proxy.restore();
    expect(await db.user.count()).toBeGreaterThanOrEqual(0);
    expect(outageInProgress()).toBe(false);
    expect(await databaseReachable()).toBe(true);
  });

  it('does not hang on a database host that stops answering', async () => {
    proxy.blackhole();
    try {
      let started = Date.now();
      expect(await databaseReachable()).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_500);
      started = Date.now();
      expect(await errorOf(db.user.findFirst())).toBeInstanceOf(DatabaseUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await proxy.restore();
    }
    expect(await db.user.count()).toBeGreaterThanOrEqual(0);
    expect(outageInProgress()).toBe(false);
  });
});
