// The bench's HTTP side: signing in as a seeded user and loading a page with autocannon,
// taking p50/p95 from every response's own latency.
import autocannon from 'autocannon';

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

export type LoadResult = { p50: number; p95: number; rps: number; n: number; errors: number; latencies: number[] };

/** How a view is loaded: by how many concurrent clients (default CONNECTIONS) and with which extra request headers. */
export type LoadOptions = { connections?: number; headers?: Record<string, string> };

/** Signs in through next-auth's credentials callback and returns the Cookie header. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    // Origin as a browser sends it: the app refuses a POST without one (lib/auth/cross-site.ts).
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie(), origin: new URL(base).origin },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error(`bench sign-in failed for ${email}`);
  return cookie();
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const TIMEOUT_S = 10;

/**
 * The p-th percentile of several views' latencies taken together, each view weighing the
 * same (as if each were requested equally often): a view that answers slowly has fewer
 * responses in its 15 s, and pooling them as they are would all but hide it.
 */
export function mixPercentile(views: number[][], p: number): number {
  const weighted = views
    .filter((v) => v.length)
    .flatMap((v, _, all) => v.map((ms) => [ms, 1 / (v.length * all.length)] as const))
    .sort((a, b) => a[0] - b[0]);
  let sum = 0;
  for (const [ms, weight] of weighted) if ((sum += weight) >= p / 100 - 1e-9) return ms;
  return weighted.at(-1)?.[0] ?? Number.NaN;
}

/**
 * p50/p95 over the 200 responses. A request that timed out (after 10 s) counts as an error
 * and as a latency of 10 s, so a view too slow to answer shows up in the percentiles
 * (as a lower bound) instead of dropping out of them.
 */
export async function load(url: string, cookie: string, seconds: number, options: LoadOptions = {}): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections ?? CONNECTIONS, duration: seconds, timeout: TIMEOUT_S, headers: { ...options.headers, cookie } },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) latencies.push(ms);
      else failed++;
    });
  });
  for (let i = 0; i < result.timeouts; i++) latencies.push(TIMEOUT_S * 1000);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    rps: result.requests.average,
    n: latencies.length,
    errors: failed + result.errors,
    latencies,
  };
}

/** A warm-up (compile caches, connection pool, shared buffers), then the measured run. */
export async function measurePage(url: string, cookie: string, seconds: number, options: LoadOptions = {}): Promise<LoadResult> {
  await load(url, cookie, Math.min(3, seconds), options);
  return load(url, cookie, seconds, options);
}

/** One table row: label, p50, p95, req/s, requests, errors. */
export function formatRow(label: string, r: Pick<LoadResult, 'p50' | 'p95' | 'n'> & Partial<Pick<LoadResult, 'rps' | 'errors'>>, digits = 0): string {
  return `${label.padEnd(46)} ${r.p50.toFixed(digits).padStart(7)} ${r.p95.toFixed(digits).padStart(8)} ${(r.rps === undefined ? '' : r.rps.toFixed(0)).padStart(7)} ${String(r.n).padStart(10)} ${(r.errors === undefined ? '' : String(r.errors)).padStart(7)}`;
}
