/// <reference types="vite/client" />
// Calls the REST API's route handlers (app/api/v1/**/route.ts, the modules Next serves) the
// way Next does: a NextRequest and the path's params. Paths are matched against the route
// folders ([id] is a parameter), so a call goes through the real route file.
import { NextRequest } from 'next/server';

export type RouteModule = Partial<
  Record<'GET' | 'POST' | 'PATCH', (request: NextRequest, context: { params: Promise<Record<string, string> | undefined> }) => Promise<Response>>
>;

/** Every route file under app/api/v1, by its path template (/secrets/{id}). */
export const routeLoaders = Object.fromEntries(
  Object.entries(import.meta.glob<RouteModule>('../../app/api/v1/**/route.ts')).map(([file, load]) => [
    file
      .replace(/^.*app\/api\/v1/, '')
      .replace(/\/route\.ts$/, '')
      .replace(/\[(\w+)\]/g, '{$1}'),
    load,
  ]),
);

/** The route template a concrete path matches, and its params. */
export function matchRoute(path: string): { template: string; params: Record<string, string> } {
  for (const template of Object.keys(routeLoaders)) {
    const names: string[] = [];
    const re = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    const m = re.exec(path);
    if (m) return { template, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  throw new Error(`no route file for ${path}`);
}

export type ApiCall = {
  method: 'GET' | 'POST' | 'PATCH';
  /** Under /api/v1, with the query if any. */
  path: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
};

export type ApiAnswer = { status: number; headers: Headers; json: unknown; text: string; template: string };

export async function callApi({ method, path, token, body, headers = {} }: ApiCall): Promise<ApiAnswer> {
  const [pathname] = path.split('?');
  const { template, params } = matchRoute(pathname);
  const handler = (await routeLoaders[template]())[method];
  if (!handler) throw new Error(`${template} has no ${method} handler`);
  const all: Record<string, string> = { 'x-forwarded-for': '203.0.113.9', ...headers };
  if (token) all.authorization = `Bearer ${token}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  const request = new NextRequest(`http://dashboard.test/api/v1${path}`, {
    method,
    headers: all,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // As Next does: a route without dynamic segments gets no params object.
  const response = await handler(request, { params: Promise.resolve(Object.keys(params).length ? params : undefined) });
  const text = await response.text();
  let json: unknown = null;
  if (response.headers.get('content-type')?.includes('application/json')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, json, text, template };
}
