// The cross-site rule for route handlers (the pure part of lib/auth/cross-site.ts).
import { describe, expect, it } from 'vitest';
import { crossSiteReason, type RequestOrigin } from './cross-site';

const own = { host: 'dash.example:3000', publicUrl: 'https://dash.example' };
const req = (r: Partial<RequestOrigin>): RequestOrigin => ({ method: 'GET', origin: null, secFetchSite: null, ...own, ...r });

describe('crossSiteReason', () => {
  it("serves the dashboard's own pages and typed or bookmarked URLs", () => {
    expect(crossSiteReason(req({ secFetchSite: 'same-origin' }))).toBeNull();
    expect(crossSiteReason(req({ secFetchSite: 'none' }))).toBeNull();
    expect(crossSiteReason(req({ method: 'POST', origin: 'http://dash.example:3000', secFetchSite: 'same-origin' }))).toBeNull();
    // The public URL (NEXTAUTH_URL) is this dashboard too, behind a proxy that rewrote Host.
    expect(crossSiteReason(req({ method: 'POST', origin: 'https://dash.example', host: 'app:3000' }))).toBeNull();
  });

  it("refuses what another site's page made the browser send", () => {
    expect(crossSiteReason(req({ secFetchSite: 'cross-site' }))).toBe('cross_site_fetch');
    expect(crossSiteReason(req({ secFetchSite: 'same-site' }))).toBe('cross_site_fetch');
    expect(crossSiteReason(req({ origin: 'https://evil.example' }))).toBe('foreign_origin');
    expect(crossSiteReason(req({ method: 'POST', origin: 'https://evil.example' }))).toBe('foreign_origin');
    expect(crossSiteReason(req({ method: 'POST', origin: 'null' }))).toBe('foreign_origin');
    expect(crossSiteReason(req({ method: 'POST', origin: 'http://dash.example:3001' }))).toBe('foreign_origin');
  });

  it('refuses a POST without Origin, and serves a GET without either header (no current browser sends that)', () => {
    expect(crossSiteReason(req({ method: 'POST' }))).toBe('missing_origin');
    expect(crossSiteReason(req({ method: 'GET' }))).toBeNull();
  });
});
