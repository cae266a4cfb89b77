import { describe, expect, it } from 'vitest';
import { routeLabeler } from './http-metrics.mjs';

// The shape of .next/routes-manifest.json's route lists (Next's own regexes).
const labelOf = routeLabeler({
  staticRoutes: [
    { page: '/inventory', regex: '^/inventory(?:/)?$' },
    { page: '/api/health', regex: '^/api/health(?:/)?$' },
    { page: '/', regex: '^/(?:/)?$' },
  ],
  dynamicRoutes: [
    { page: '/inventory/[id]', regex: '^/inventory/([^/]+?)(?:/)?$' },
    { page: '/api/leak-check/scans/[scanId]/batches', regex: '^/api/leak\\-check/scans/([^/]+?)/batches(?:/)?$' },
  ],
});

describe('the route label of a request path', () => {
  it('is the route template, never the path with its ids', () => {
    expect(labelOf('/inventory/3f1c0b9e-0000-4000-8000-000000000001')).toBe('/inventory/[id]');
    expect(labelOf('/api/leak-check/scans/abc/batches')).toBe('/api/leak-check/scans/[scanId]/batches');
    expect(labelOf('/inventory')).toBe('/inventory');
    expect(labelOf('/inventory/')).toBe('/inventory');
    expect(labelOf('/')).toBe('/');
  });

  it('puts build files under their folder and everything unknown under "other"', () => {
    expect(labelOf('/_next/static/chunks/app-1234.js')).toBe('/_next/static');
    expect(labelOf('/_next/image')).toBe('/_next');
    expect(labelOf('/wp-admin/install.php')).toBe('other');
    expect(labelOf('/inventory/a/b')).toBe('other');
  });
});
