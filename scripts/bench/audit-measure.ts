// The audit half of `npm run bench`, against the database seed-audit.ts filled:
//   - the Audit page (and a secret's Access tab) as an auditor, one autocannon run per
//     filter, like the inventory views;
//   - a ~1M-row CSV export through the real route, drained by this process, next to a
//     PostgreSQL COPY of the same columns and rows, and the server's RSS during the export.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { filterConditions } from '@/lib/data/sql/audit-events';
import { AUDIT_EXPORT_COLUMNS } from '@/lib/export/sources/audit-events';
import { parseAuditListQuery } from '@/lib/validation/audit-list';
import { ACTOR_DOMAIN } from './seed-audit';

export type AuditView = { key: string; label: string; path: string };

const day = (d: Date) => d.toISOString().slice(0, 10);
const cursorFor = (id: string) => Buffer.from(JSON.stringify([id])).toString('base64url');

/**
 * The filters an auditor uses, with values taken from the seeded data: the busiest actor,
 * the most changed secret, a month a year back, a page deep in the trail.
 */
export async function auditViews(client: pg.ClientBase, seededEvents: number): Promise<{ audit: AuditView[]; access: AuditView }> {
  const {
    rows: [hot],
  } = await client.query<{ id: string }>('SELECT id::text AS id FROM secrets ORDER BY name LIMIT 1');
  const {
    rows: [newest],
  } = await client.query<{ id: string; at: Date }>('SELECT id::text AS id, occurred_at AS at FROM audit_events WHERE seq = $1', [seededEvents]);
  const yearBack = new Date(newest.at.getTime() - 365 * 86_400_000);
  const monthBefore = new Date(yearBack.getTime() - 30 * 86_400_000);
  const deep = String(Math.floor(Number(newest.id) * 0.4));
  const q = (params: Record<string, string>) => `/audit?${new URLSearchParams(params)}`;
  return {
    audit: [
      { key: 'none', label: 'audit: no filter', path: '/audit' },
      { key: 'actor', label: 'audit: actor (whole email)', path: q({ actor: `user-003@${ACTOR_DOMAIN}` }) },
      { key: 'actor_part', label: 'audit: actor (part of an email)', path: q({ actor: 'user-01' }) },
      { key: 'action', label: 'audit: action secret.value_write', path: q({ action: 'secret.value_write' }) },
      { key: 'environment', label: 'audit: environment + action', path: q({ environment: 'production', action: 'secret.update' }) },
      { key: 'secret', label: 'audit: one secret', path: q({ targetType: 'secret', targetId: hot.id }) },
      { key: 'range', label: 'audit: a month, a year back', path: q({ from: day(monthBefore), to: day(yearBack) }) },
      { key: 'deep', label: 'audit: a page 60% deep', path: q({ after: cursorFor(deep) }) },
    ],
    access: { key: 'access', label: 'access tab of the most read secret', path: `/inventory/${hot.id}/access` },
  };
}

// ---------------------------------------------------------------------------
// Exports

export type ExportSpec = {
  key: string;
  /** The route and its filters, as an auditor's download link has them. */
  path: string;
  /** What the export pins itself to when it starts (the newest id or seq), as `pin`. */
  pinSql: string;
  /** COPY of the same columns and rows, in the same order, none after the pin. */
  copySql: (client: pg.ClientBase, pin: string) => string;
};

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** COPY takes no bind parameters: the filter's values go in as quoted literals. */
function inline(client: pg.ClientBase, text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = values[Number(n) - 1];
    return client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v));
  });
}

/**
 * The audit export of the newest ~`rows` seeded events, by a whole-day range as an
 * auditor picks it, and its COPY twin: the export's own columns (AUDIT_EXPORT_COLUMNS,
 * so columns added there are copied too) under the audit trail's own filter SQL.
 */
export async function auditExportSpec(client: pg.ClientBase, seededEvents: number, rows: number): Promise<ExportSpec> {
  const at = async (seq: number) =>
    (await client.query<{ at: Date }>('SELECT occurred_at AS at FROM audit_events WHERE seq = $1', [Math.max(1, seq)])).rows[0].at;
  const params = { from: day(await at(seededEvents - rows + 1)), to: day(await at(seededEvents)) };
  return {
    key: 'audit',
    path: `/api/export/audit?${new URLSearchParams({ format: 'csv', ...params })}`,
    pinSql: 'SELECT max(id)::text AS pin FROM audit_events',
    copySql(c, upTo) {
      const where = [...filterConditions(parseAuditListQuery(params), null).map((s) => inline(c, s.text, s.values)), `e.id <= ${BigInt(upTo)}`];
      const columns = AUDIT_EXPORT_COLUMNS.map((k) => `e.${snake(k)}`).join(', ');
      return `COPY (SELECT ${columns} FROM audit_events e WHERE ${where.join(' AND ')} ORDER BY e.id) TO STDOUT WITH (FORMAT csv, HEADER)`;
    },
  };
}

/**
 * The access-history export of every seeded access event (a whole-day range from the
 * first), and its COPY twin: the export's columns, joins and order (lib/export/sources/access-events.ts).
 */
export async function accessExportSpec(client: pg.ClientBase): Promise<ExportSpec> {
  const {
    rows: [{ first }],
  } = await client.query<{ first: Date }>('SELECT min(occurred_at) AS first FROM access_events');
  const params = { from: day(first) };
  return {
    key: 'access',
    path: `/api/export/access?${new URLSearchParams({ format: 'csv', ...params })}`,
    pinSql: 'SELECT max(seq)::text AS pin FROM access_events',
    copySql: (c, pin) => `COPY (
      SELECT e.id, e.provider_event_id, e.occurred_at, c.kind, e.connection_id, c.name, e.event_name,
             CASE WHEN e.error_code IS NULL THEN 'success' ELSE 'failed' END, e.error_code, e.principal, e.principal_type,
             e.source_ip, e.user_agent, e.secret_ref, e.secret_id, s.name, v.name, e.summary, e.created_at
      FROM access_events e
      JOIN provider_connections c ON c.id = e.connection_id
      LEFT JOIN secrets s ON s.id = e.secret_id
      LEFT JOIN environments v ON v.id = s.environment_id
      WHERE e.occurred_at >= ${c.escapeLiteral(`${params.from}T00:00:00Z`)}::timestamptz AND e.seq <= ${BigInt(pin)}
      ORDER BY e.occurred_at, e.seq) TO STDOUT WITH (FORMAT csv, HEADER)`,
  };
}

/** Bytes and lines of a byte stream, read to the end. */
async function drain(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  return { bytes, lines };
}

/** Resident set size of a process and its descendants, in MB. */
function rssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      // the process ended between listing and reading
    }
  };
  visit(pid);
  return kb / 1024;
}

export type ExportResult = {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerS: number;
  copyRowsPerS: number;
  copyRows: number;
  rssBaselineMb: number;
  rssPeakMb: number;
};

async function timedCopy(url: string, spec: ExportSpec, upTo: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    const { lines } = await drain(client.query(copyTo(spec.copySql(client, upTo))));
    const seconds = (performance.now() - started) / 1000;
    return { rows: lines - 1, rowsPerS: (lines - 1) / seconds };
  } finally {
    await client.end();
  }
}

/**
 * COPY, the export, COPY again (the best COPY counts, so the cache favours neither side),
 * with the server's RSS sampled every 50 ms during the export.
 */
export async function measureExport(base: string, cookie: string, url: string, serverPid: number, spec: ExportSpec): Promise<ExportResult> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const {
    rows: [{ pin: upTo }],
  } = await admin.query<{ pin: string }>(spec.pinSql);
  await admin.end();
  const first = await timedCopy(url, spec, upTo);

  const rssBaselineMb = rssMb(serverPid);
  let rssPeakMb = rssBaselineMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(serverPid))), 50);
  const started = performance.now();
  const res = await fetch(`${base}${spec.path}`, { headers: { cookie } });
  if (!res.ok || !res.body) throw new Error(`export ${spec.key} failed: HTTP ${res.status}`);
  // Node's web streams are async iterable (the DOM typings do not say so).
  const { bytes, lines } = await drain(res.body as unknown as AsyncIterable<Uint8Array>);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeakMb = Math.max(rssPeakMb, rssMb(serverPid));

  const second = await timedCopy(url, spec, upTo);
  const rows = lines - 1; // after the header; the seeded cells hold no line breaks
  if (rows !== first.rows) console.warn(`export ${spec.key}: ${rows} rows, COPY of the same filter: ${first.rows}`);
  return {
    rows,
    bytes,
    seconds,
    rowsPerS: rows / seconds,
    copyRowsPerS: Math.max(first.rowsPerS, second.rowsPerS),
    copyRows: first.rows,
    rssBaselineMb,
    rssPeakMb,
  };
}
