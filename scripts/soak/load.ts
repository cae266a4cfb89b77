// The soak's mixed load: `concurrency` clients, each looping over a weighted pick of
//   browse  - the inventory list and a secret's page (viewer)
//   audit   - the Audit page, plain and filtered (auditor)
//   export  - the inventory CSV and an audit CSV, read to the end (viewer, auditor)
//   edit    - the secret edit form's action on the client's own secret (engineer)
//   value   - the Secrets Management tab's write action, generating a value (engineer)
// until stopped. Reads are plain GETs with the signed-in cookies; edits and value writes
// call the forms' server actions (./server-actions.ts). Every answer is counted by type
// and status; latencies are kept for answers that succeeded. A value write is confirmed
// only when the action said so (ok and a provider version id); one whose answer was lost
// is remembered as unconfirmed (the worker's sweep must settle it).
import { randomUUID } from 'node:crypto';
import { percentile } from '../bench/http';
import { prng } from '../bench/prng';
import { callAction } from './server-actions';
import { sleep } from './processes';

export type RequestType = 'browse' | 'audit' | 'export' | 'edit' | 'value';
const WEIGHTS: [RequestType, number][] = [
  ['browse', 35],
  ['audit', 20],
  ['export', 5],
  ['edit', 15],
  ['value', 25],
];

export type EditSecret = { id: string; form: Record<string, string> };

export type LoadContext = {
  base: () => string;
  cookies: { viewer: string; auditor: string; engineer: string };
  actions: { writeValue: string; updateSecret: string };
  valueSecretIds: string[];
  /** One per client, so edits never race each other. */
  editSecrets: EditSecret[];
};

export type ConfirmedWrite = { token: string; secretId: string; versionId: string };

export class LoadStats {
  requests = 0;
  errors: Record<string, number> = {};
  latencies: Record<RequestType, number[]> = { browse: [], audit: [], export: [], edit: [], value: [] };
  counts: Record<RequestType, number> = { browse: 0, audit: 0, export: 0, edit: 0, value: 0 };
  failed: Record<RequestType, number> = { browse: 0, audit: 0, export: 0, edit: 0, value: 0 };
  confirmed: ConfirmedWrite[] = [];
  unconfirmed: { token: string; secretId: string }[] = [];
  confirmedEdits = new Map<string, number>();
  /** What the soak is doing now (set by it); each failure is also counted under the phase its request started in. */
  phase: 'steady' | 'dbKill' | 'serverKill' = 'steady';
  errorsByPhase: Record<string, Record<string, number>> = {};
  /** The messages of actions that answered ok: false, with how often (for the log). */
  refusals = new Map<string, number>();

  refused(result: unknown) {
    // Without the per-request reference, so alike failures group.
    const message = String((result as { error?: unknown } | undefined)?.error ?? 'no message')
      .replace(/ ?Reference: \S+/, '')
      .slice(0, 160);
    this.refusals.set(message, (this.refusals.get(message) ?? 0) + 1);
  }

  error(type: RequestType, key: string, phase: string) {
    this.errors[key] = (this.errors[key] ?? 0) + 1;
    this.failed[type]++;
    const byPhase = (this.errorsByPhase[phase] ??= {});
    byPhase[key] = (byPhase[key] ?? 0) + 1;
  }

  summary() {
    const round = (n: number) => (Number.isFinite(n) ? Math.round(n) : null);
    return Object.fromEntries(
      (Object.keys(this.latencies) as RequestType[]).map((t) => [
        t,
        { n: this.counts[t], errors: this.failed[t], p50: round(percentile(this.latencies[t], 50)), p95: round(percentile(this.latencies[t], 95)) },
      ]),
    );
  }
}

function pick(random: () => number): RequestType {
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [type, w] of WEIGHTS) if ((r -= w) < 0) return type;
  return 'browse';
}

/** An action that answered 200 with ok: false (the form shows its message). */
const REFUSED = '200-refused';

/** What went wrong with a request that threw: a timeout or an unreachable server. */
const thrownKey = (error: unknown) => ((error as Error).name === 'TimeoutError' ? 'timeout' : 'network');

async function get(url: string, cookie: string): Promise<number> {
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  return res.status;
}

/** One request of `type` by client `client`; records it in `stats`. */
async function one(ctx: LoadContext, stats: LoadStats, type: RequestType, client: number, random: () => number): Promise<void> {
  const base = ctx.base();
  const started = performance.now();
  const phase = stats.phase;
  let failed = false;
  const done = (ok: boolean, key: string) => {
    stats.requests++;
    stats.counts[type]++;
    if (ok) stats.latencies[type].push(performance.now() - started);
    else stats.error(type, key, phase);
    failed = !ok;
  };
  const anyOf = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  try {
    if (type === 'browse' || type === 'audit' || type === 'export') {
      const [path, cookie] =
        type === 'browse'
          ? anyOf<[string, string]>([
              ['/inventory', ctx.cookies.viewer],
              ['/inventory?q=soak', ctx.cookies.viewer],
              [`/inventory/${anyOf(ctx.valueSecretIds)}`, ctx.cookies.viewer],
            ])
          : type === 'audit'
            ? anyOf<[string, string]>([
                ['/audit', ctx.cookies.auditor],
                ['/audit?action=secret.value_write', ctx.cookies.auditor],
                [`/audit?targetType=secret&targetId=${anyOf(ctx.valueSecretIds)}`, ctx.cookies.auditor],
              ])
            : anyOf<[string, string]>([
                ['/api/export/inventory?format=csv', ctx.cookies.viewer],
                [`/api/export/audit?format=csv&action=secret.value_write`, ctx.cookies.auditor],
              ]);
      const status = await get(`${base}${path}`, cookie);
      done(status === 200, String(status));
      return;
    }
    if (type === 'edit') {
      const secret = ctx.editSecrets[client % ctx.editSecrets.length];
      const form = { ...secret.form, description: `soak edit ${randomUUID().slice(0, 8)}` };
      const { status, result } = await callAction(base, `/inventory/${secret.id}/edit`, ctx.actions.updateSecret, ctx.cookies.engineer, [secret.id, form]);
      const ok = status === 200 && (result as { ok?: boolean } | undefined)?.ok === true;
      if (ok) stats.confirmedEdits.set(secret.id, (stats.confirmedEdits.get(secret.id) ?? 0) + 1);
      else if (status === 200) stats.refused(result);
      done(ok, status === 200 ? REFUSED : String(status));
      return;
    }
    const secretId = anyOf(ctx.valueSecretIds);
    const token = randomUUID();
    const input = { mode: 'generate', note: 'soak', idempotencyToken: token, alphabet: 'alphanumeric', length: 32 };
    let answer;
    try {
      answer = await callAction(base, `/inventory/${secretId}/manage`, ctx.actions.writeValue, ctx.cookies.engineer, [secretId, input]);
    } catch (error) {
      stats.unconfirmed.push({ token, secretId });
      throw error;
    }
    const result = answer.result as { ok?: boolean; versionId?: string } | undefined;
    if (answer.status === 200 && result?.ok === true && result.versionId) {
      stats.confirmed.push({ token, secretId, versionId: result.versionId });
      done(true, '');
    } else if (answer.status === 200 && result?.ok === false) {
      // A definite refusal (nothing written, or the write rolled back and is pending settlement).
      stats.unconfirmed.push({ token, secretId });
      stats.refused(result);
      done(false, REFUSED);
    } else {
      stats.unconfirmed.push({ token, secretId });
      done(false, String(answer.status));
    }
  } catch (error) {
    done(false, thrownKey(error));
  }
  // A failing server (database down, being restarted) answers at once: a person would not
  // resubmit in a tight loop either.
  if (failed) await sleep(250);
}

export type RunningLoad = { stop(): Promise<void> };

/** Starts `concurrency` clients; `stop` waits for their requests in flight to finish. */
export function startLoad(ctx: LoadContext, stats: LoadStats, concurrency: number): RunningLoad {
  let stopped = false;
  const clients = Array.from({ length: concurrency }, async (_, client) => {
    const random = prng(client + 1);
    while (!stopped) await one(ctx, stats, pick(random), client, random);
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/**
 * `count` value writes at once, outside the steady load: the burst the timed server kill
 * lands in. Resolves when all have answered or failed.
 */
export async function writeBurst(ctx: LoadContext, stats: LoadStats, count: number): Promise<void> {
  const random = prng(0xb0057);
  await Promise.all(Array.from({ length: count }, (_, i) => one(ctx, stats, 'value', i, random)));
}
