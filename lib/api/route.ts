// What an app/api/v1 route file exports: the handler of the registered endpoint at its
// path and method (export const GET = apiRoute('GET', '/secrets')).
import 'server-only';
import type { Endpoint, Method } from './endpoint';
import { ENDPOINTS } from './registry';

export function apiRoute(method: Method, path: string): Endpoint['handler'] {
  const found = ENDPOINTS.find((e) => e.method === method && e.path === path);
  if (!found) throw new Error(`No REST API endpoint ${method} ${path} is registered (lib/api/registry.ts)`);
  return found.handler;
}
