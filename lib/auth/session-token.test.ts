// The session cookie decode agrees with next-auth's own encode: same key, same expiry rule.
import { encode } from 'next-auth/jwt';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const SECRET = 'session-token-test-secret-0123456789abcdef';
const jar = vi.hoisted(() => ({ cookies: [] as { name: string; value: string }[] }));
vi.mock('next/headers', () => ({
  cookies: async () => ({ getAll: () => jar.cookies, get: (name: string) => jar.cookies.find((c) => c.name === name) }),
}));
vi.mock('@/lib/env', () => ({ env: () => ({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: 'http://localhost:3000' }) }));
const { sessionToken } = await import('./session-token');

const NAME = 'next-auth.session-token';
const ids = { uid: 'user-1', sid: 'session-1' };

beforeEach(() => {
  jar.cookies = [];
});

describe('sessionToken', () => {
  it('reads the ids from a cookie next-auth encoded, whole or in chunks', async () => {
    const token = await encode({ token: ids, secret: SECRET });
    jar.cookies = [{ name: NAME, value: token }];
    expect(await sessionToken()).toEqual({ userId: 'user-1', sessionId: 'session-1' });
    jar.cookies = [
      { name: `${NAME}.1`, value: token.slice(100) },
      { name: `${NAME}.0`, value: token.slice(0, 100) },
    ];
    expect(await sessionToken()).toEqual({ userId: 'user-1', sessionId: 'session-1' });
  });

  it('refuses no cookie, another secret, an expired token and a token without a session id', async () => {
    expect(await sessionToken()).toBeNull();
    for (const token of [
      await encode({ token: ids, secret: `${SECRET}-other` }),
      await encode({ token: ids, secret: SECRET, maxAge: -16 }),
      await encode({ token: { uid: 'user-1' }, secret: SECRET }),
      'not-a-token',
    ]) {
      jar.cookies = [{ name: NAME, value: token }];
      expect(await sessionToken()).toBeNull();
    }
  });

  it('still accepts a token within the 15 s clock tolerance next-auth allows', async () => {
    jar.cookies = [{ name: NAME, value: await encode({ token: ids, secret: SECRET, maxAge: -5 }) }];
    expect(await sessionToken()).toEqual({ userId: 'user-1', sessionId: 'session-1' });
  });
});
