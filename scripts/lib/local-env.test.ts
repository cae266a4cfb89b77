import { describe, expect, it } from 'vitest';
import { serverEnvironment } from './local-env.mjs';

describe('serverEnvironment (what npm start hands the build, the server and the worker)', () => {
  const given = {
    DATABASE_URL: 'postgresql://si_runtime:r@127.0.0.1:54329/secret_inventory',
    MIGRATION_DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:54329/secret_inventory',
    PURGE_DATABASE_URL: 'postgresql://si_purge:p@127.0.0.1:54329/secret_inventory',
  };

  it('keeps the runtime role only and turns Next.js telemetry (and its notice) off', () => {
    expect(serverEnvironment(given)).toEqual({ DATABASE_URL: given.DATABASE_URL, NEXT_TELEMETRY_DISABLED: '1' });
    expect(given).toHaveProperty('MIGRATION_DATABASE_URL');
  });

  it("leaves the operator's own telemetry setting alone", () => {
    expect(serverEnvironment({ ...given, NEXT_TELEMETRY_DISABLED: '' }).NEXT_TELEMETRY_DISABLED).toBe('');
  });
});
