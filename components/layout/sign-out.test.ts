// Sign-out without next-auth/react: the same two requests its signOut makes, then the
// page next-auth answers with.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signOut } from './sign-out';

afterEach(() => vi.unstubAllGlobals());

describe('signOut', () => {
  it('posts the CSRF token from /api/auth/csrf to /api/auth/signout, then loads the URL it answers', async () => {
    const location = { href: '/inventory' };
    vi.stubGlobal('window', { location });
    const fetch = vi.fn(async (url: string, _init?: RequestInit) =>
      Response.json(url === '/api/auth/csrf' ? { csrfToken: 'token-1' } : { url: 'http://localhost:3000/sign-in' }),
    );
    vi.stubGlobal('fetch', fetch);

    await signOut('/sign-in');

    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['/api/auth/csrf', '/api/auth/signout']);
    const init = fetch.mock.calls[1][1];
    expect(init?.method).toBe('POST');
    expect(Object.fromEntries(init?.body as URLSearchParams)).toEqual({ csrfToken: 'token-1', callbackUrl: '/sign-in', json: 'true' });
    expect(location.href).toBe('http://localhost:3000/sign-in');
  });
});
