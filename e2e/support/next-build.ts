// What the production build exposes over HTTP, read from its manifests in .next, and
// how to call a server action exactly as the browser does. Server actions are public
// POST endpoints: anyone who knows an id (they are in the client JavaScript) can call
// one with any arguments, signed in or not.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { ROOT } from './state';

export type ServerAction = {
  id: string;
  /** Source module, e.g. "app/(auth)/setup/actions.ts". */
  filename: string;
  exportedName: string;
  /** A page whose bundle includes the action; the browser posts to that page's URL. */
  pagePath: string;
};

// A value for dynamic segments ([secretId] ...) when posting to a page: actions run
// before the page renders, and the nil UUID is well formed for uuid columns.
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** "app/(auth)/setup/page" -> "/setup"; "app/(dashboard)/inventory/[secretId]/page" -> "/inventory/<nil uuid>". */
export function urlPathOf(entry: string): string {
  const segments = entry
    .replace(/^app\//, '')
    .replace(/\/?(page|route)$/, '')
    .split('/')
    .filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith('@'))
    .map((s) => (/^\[.*\]$/.test(s) ? NIL_UUID : s));
  return `/${segments.join('/')}`;
}

function readManifest<T>(relative: string): T | null {
  const file = path.join(ROOT, '.next', relative);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

type ActionManifest = Record<'node' | 'edge', Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>>;

/** Every server action in the build, or null when there is no build. */
export function buildServerActions(): ServerAction[] | null {
  const manifest = readManifest<ActionManifest>('server/server-reference-manifest.json');
  if (!manifest) return null;
  const actions: ServerAction[] = [];
  for (const runtime of ['node', 'edge'] as const) {
    for (const [id, entry] of Object.entries(manifest[runtime] ?? {})) {
      const workers = Object.keys(entry.workers).sort();
      const page = workers.find((w) => w.endsWith('/page')) ?? workers[0] ?? 'app/page';
      actions.push({
        id,
        filename: entry.filename ?? '(unknown module)',
        exportedName: entry.exportedName ?? '(unknown export)',
        pagePath: urlPathOf(page),
      });
    }
  }
  return actions.sort((a, b) => a.filename.localeCompare(b.filename) || a.exportedName.localeCompare(b.exportedName));
}

/** Route handlers in the build, as their route patterns: "/api/health", "/api/auth/[...nextauth]". */
export function buildRouteHandlers(): string[] | null {
  const manifest = readManifest<Record<string, string>>('server/app-paths-manifest.json');
  if (!manifest) return null;
  return Object.keys(manifest)
    .filter((key) => key.endsWith('/route'))
    .map((key) => key.replace(/\/route$/, '').replace(/\/\([^/]+\)/g, '') || '/')
    .sort();
}

export type ActionOutcome = {
  status: number;
  /** The redirect the action asked for (`redirect('/sign-in')`), path only. */
  redirect: string | null;
  /** The action's return value, when it returned one. */
  result: unknown;
  /** Set when the action threw instead (the client would show an error page). */
  thrown: unknown;
  body: string;
};

/**
 * Calls a server action the way React's client does for `await action(...args)`:
 * POST to the page with `Next-Action: <id>` and the arguments as a JSON array.
 */
export async function callServerAction(
  request: APIRequestContext,
  baseURL: string,
  action: Pick<ServerAction, 'id' | 'pagePath'>,
  args: unknown[],
): Promise<ActionOutcome> {
  const response = await request.post(action.pagePath, {
    headers: {
      'Next-Action': action.id,
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
      Origin: baseURL,
    },
    data: JSON.stringify(escapeReply(args)),
    maxRedirects: 0,
  });
  const body = await response.text();
  const redirectHeader = response.headers()['x-action-redirect'] ?? response.headers()['location'] ?? null;
  const redirect = redirectHeader ? new URL(redirectHeader.split(';')[0], baseURL).pathname : null;
  const { result, thrown } = response.headers()['content-type']?.includes('text/x-component') ? actionResultOf(body) : { result: undefined, thrown: undefined };
  return { status: response.status(), redirect, result, thrown, body };
}

// React's reply encoding marks its own references with a leading "$"; a plain string
// that starts with one is sent with it doubled.
function escapeReply(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('$') ? `$${value}` : value;
  if (Array.isArray(value)) return value.map(escapeReply);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeReply(v)]));
  }
  return value;
}

/** Splits an RSC (Flight) response into its rows: "<hex id>:<payload>". */
export function flightRows(body: string): Map<string, string> {
  const rows = new Map<string, string>();
  let at = 0;
  const bytes = Buffer.from(body, 'utf8');
  while (at < bytes.length) {
    const colon = bytes.indexOf(0x3a /* : */, at);
    if (colon < 0) break;
    const id = bytes.subarray(at, colon).toString('utf8');
    if (!/^[0-9a-f]+$/.test(id)) break;
    // "T<hex byte length>," is a text row without a newline terminator.
    const text = /^T([0-9a-f]+),/.exec(bytes.subarray(colon + 1, colon + 20).toString('latin1'));
    if (text) {
      const start = colon + 1 + text[0].length;
      const end = start + parseInt(text[1], 16);
      rows.set(id, bytes.subarray(start, end).toString('utf8'));
      at = end;
      continue;
    }
    const newline = bytes.indexOf(0x0a, colon);
    const end = newline < 0 ? bytes.length : newline;
    rows.set(id, bytes.subarray(colon + 1, end).toString('utf8'));
    at = end + 1;
  }
  return rows;
}

// Row 0 is the response root: `{"a": <action result or "$@<row>">, ...}`; an "E" row
// is a thrown error.
function actionResultOf(body: string): { result: unknown; thrown: unknown } {
  const rows = flightRows(body);
  const root = rows.get('0');
  if (!root) return { result: undefined, thrown: undefined };
  const parsed = JSON.parse(root) as { a?: unknown };
  let value = parsed.a;
  if (typeof value === 'string' && value.startsWith('$@')) {
    const row = rows.get(value.slice(2)) ?? '';
    if (row.startsWith('E')) return { result: undefined, thrown: JSON.parse(row.slice(1)) };
    value = JSON.parse(row);
  }
  return { result: value, thrown: undefined };
}
