// Calling the app's server actions over plain HTTP, as the browser's form does:
//   POST <the page's path>, `Next-Action: <id>`, the arguments as React's encodeReply
//   sends plain values (a JSON array, text/plain), Origin set like a browser's (Next
//   refuses an action whose Origin is not the host), and the answer read from the RSC
//   stream (a line `N:<json>` for the action's result, chunk "a" of row 0 names which).
// The ids are per build: they come from the build's server-reference manifest, by the
// action's exported name, so the soak calls the very code the forms call.
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Manifest = { node: Record<string, { filename?: string; exportedName?: string }> };

/**
 * The id of the server action exported as `exportedName` (the app's action names are
 * unique), wherever its file lives: routes move between route groups.
 */
export function actionId(root: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root, '.next/server/server-reference-manifest.json'), 'utf8')) as Manifest;
  const found = Object.entries(manifest.node).filter(([, entry]) => entry.exportedName === exportedName);
  if (found.length !== 1) {
    throw new Error(`${found.length} server actions named ${exportedName} in this build (.next/server/server-reference-manifest.json); expected one`);
  }
  return found[0][0];
}

/** encodeReply's form for plain JSON values: a string starting with "$" is escaped as "$$". */
export function encodeArgs(args: unknown[]): string {
  return JSON.stringify(args, (_key, value: unknown) => (typeof value === 'string' && value.startsWith('$') ? `$${value}` : value));
}

/** The action's return value from an RSC response body, or undefined when there is none. */
export function decodeActionResult(body: string): unknown {
  const rows = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^([0-9a-f]+):(.*)$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  const head = rows.get('0');
  if (!head) return undefined;
  let ref: unknown;
  try {
    ref = (JSON.parse(head) as { a?: unknown }).a;
  } catch {
    return undefined;
  }
  const id = typeof ref === 'string' && ref.startsWith('$@') ? ref.slice(2) : undefined;
  const row = id === undefined ? undefined : rows.get(id);
  if (row === undefined) return undefined;
  try {
    return JSON.parse(row, (_key, value: unknown) => (typeof value === 'string' && value.startsWith('$$') ? value.slice(1) : value));
  } catch {
    return undefined;
  }
}

export type ActionCall = { status: number; result: unknown };

/** One action call; throws only when the server could not be reached. */
export async function callAction(base: string, pagePath: string, id: string, cookie: string, args: unknown[], timeoutMs = 30_000): Promise<ActionCall> {
  const res = await fetch(`${base}${pagePath}`, {
    method: 'POST',
    headers: {
      'next-action': id,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      origin: new URL(base).origin,
      cookie,
    },
    body: encodeArgs(args),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.text();
  return { status: res.status, result: res.ok ? decodeActionResult(body) : undefined };
}
