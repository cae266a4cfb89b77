import { describe, expect, it } from 'vitest';
import { nextAuthRedirect, sameOriginPath } from './callback-url';

const ORIGIN = 'http://localhost:3000';

describe('sameOriginPath', () => {
  it('keeps paths on the dashboard, with their query and fragment', () => {
    expect(sameOriginPath('/inventory?env=production#top', ORIGIN)).toBe('/inventory?env=production#top');
    expect(sameOriginPath('http://localhost:3000/teams', ORIGIN)).toBe('/teams');
    expect(sameOriginPath('teams', ORIGIN)).toBe('/teams');
  });

  it('refuses everything a browser would resolve to another site', () => {
    for (const target of [
      '/\\evil.example', // what /sign-in?callbackUrl=/%5Cevil.example hands the page
      '\\\\evil.example',
      '//evil.example',
      '/\t/evil.example',
      'https://evil.example/inventory',
      'http://localhost:3001/inventory',
      'javascript:alert(1)',
      'data:text/html,hi',
    ]) {
      expect(sameOriginPath(target, ORIGIN), target).toBeNull();
    }
  });

  it('never returns a path a browser reads as a host', () => {
    expect(sameOriginPath('/.//evil.example', ORIGIN)).toBe('/evil.example');
    expect(sameOriginPath('/%2F%2Fevil.example', ORIGIN)).toBe('/%2F%2Fevil.example');
  });

  it('has nothing for an empty target', () => {
    expect(sameOriginPath(undefined, ORIGIN)).toBeNull();
    expect(sameOriginPath('', ORIGIN)).toBeNull();
  });
});

describe('nextAuthRedirect', () => {
  it('sends same-origin targets on and everything else to the base URL', () => {
    expect(nextAuthRedirect({ url: '/teams', baseUrl: ORIGIN })).toBe('http://localhost:3000/teams');
    expect(nextAuthRedirect({ url: '/\\evil.example', baseUrl: ORIGIN })).toBe(ORIGIN);
    expect(nextAuthRedirect({ url: '/.//evil.example', baseUrl: ORIGIN })).toBe('http://localhost:3000/evil.example');
    expect(nextAuthRedirect({ url: 'https://evil.example/', baseUrl: ORIGIN })).toBe(ORIGIN);
  });
});
