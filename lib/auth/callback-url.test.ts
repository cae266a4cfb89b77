import { describe, expect, it } from 'vitest';
import { nextAuthRedirect, sameOriginPath, signInPathFor } from './callback-url';

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

describe('signInPathFor', () => {
  it('carries the page asked for, with its query, as the way back', () => {
    expect(signInPathFor('/inventory?env=production&q=payments')).toBe('/sign-in?callbackUrl=%2Finventory%3Fenv%3Dproduction%26q%3Dpayments');
    expect(signInPathFor('/teams/0f1a2b4c-2566-42e2-8dcd-d408c365ef6d')).toBe('/sign-in?callbackUrl=%2Fteams%2F0f1a2b4c-2566-42e2-8dcd-d408c365ef6d');
    expect(signInPathFor('/')).toBe('/sign-in?callbackUrl=%2F');
  });

  it('gives the bare sign-in page when there is no path, or one that leaves the site or loops', () => {
    for (const path of [null, undefined, '', '//evil.example/x', '/\\evil.example', 'https://evil.example/', '/sign-in', '/sign-in?callbackUrl=%2Fteams']) {
      expect(signInPathFor(path), String(path)).toBe('/sign-in');
    }
  });

  it('never hands on a path a browser reads as another host', () => {
    expect(signInPathFor('/.//evil.example')).toBe('/sign-in?callbackUrl=%2Fevil.example');
  });
});
