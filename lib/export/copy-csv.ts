// CSV exports written by PostgreSQL itself: `COPY (SELECT <cells>) TO STDOUT (FORMAT csv)`
// streamed from a connection of its own straight into the download. Reading rows through
// the driver and encoding them in Node tops out near 40 % of COPY's throughput (decoding
// every row costs more than the query); COPY hands on bytes, so the export runs at the
// database's speed in constant memory (backpressure reaches PostgreSQL through the socket).
//
// COPY takes no bind parameters, so the statement's values are inlined as escaped literals
// (pg's escapeLiteral; the values are already validated filters). The connection is
// dedicated, not borrowed from the pool: a slow download must not starve the app's queries.
import 'server-only';
import { Transform, type Readable } from 'node:stream';
import pLimit from 'p-limit';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Prisma } from '@/generated/prisma/client';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import type { ExportEnd } from './encode';

/** A text cell guarded against spreadsheet formulas, as lib/export/csv/write.ts neutraliseFormula does. */
export const guardedCell = (expression: string) =>
  `CASE WHEN left(${expression}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${expression} ELSE ${expression} END`;

/** The statement with its $n placeholders replaced by escaped literals. */
export function inlineValues(sql: Prisma.Sql): string {
  return sql.text.replace(/\$(\d+)/g, (_, n: string) => literal(sql.values[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (typeof value === 'number' || typeof value === 'bigint') return pg.escapeLiteral(value.toString());
  if (typeof value === 'string') return pg.escapeLiteral(value);
  throw new Error(`cannot inline a ${typeof value} into COPY`);
}

/**
 * At most this many CSV exports hold a connection at once; more wait for a slot (their
 * downloads simply start later), so exports cannot exhaust the server's connections.
 */
export const COPY_EXPORT_CONNECTIONS = 4;
const copySlots = pLimit(COPY_EXPORT_CONNECTIONS);
/** How the connections show in pg_stat_activity. */
export const COPY_EXPORT_APPLICATION = 'secret-inventory csv export';

/** The header line: a UTF-8 byte-order mark (for Excel), then LF like COPY's own lines. */
export const copyCsvHeader = (columns: readonly string[]) => `\uFEFF${columns.join(',')}\n`;

/**
 * The CSV bytes of `select` (its columns in export order, cells already text), after a
 * header line. `ended` settles with the rows written: COPY's own count when complete, the
 * lines handed on when the download stopped early.
 */
export function copyCsv(header: string, select: Prisma.Sql): { stream: Readable; ended: Promise<ExportEnd> } {
  let resolve!: (end: ExportEnd) => void;
  const ended = new Promise<ExportEnd>((r) => (resolve = r));
  let lines = 0; // newlines COPY sent: its rows so far (the header is not counted)
  let headerSent = false;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (headerSent) return done(null, chunk);
      headerSent = true;
      done(null, Buffer.concat([Buffer.from(header, 'utf8'), chunk]));
    },
    flush(done) {
      if (!headerSent) this.push(Buffer.from(header, 'utf8'));
      done();
    },
  });

  let copied = false;
  let delivered = false;
  let copyRows = 0;
  out.once('end', () => (delivered = true));
  const closed = new Promise<void>((done) =>
    out.once('close', () => {
      const complete = copied && delivered;
      resolve({ rows: complete ? copyRows : lines, complete });
      done();
    }),
  );

  // The connection is taken when a slot frees and given back when the download closes.
  void copySlots(async () => {
    if (out.destroyed) return; // the client gave up while waiting
    // No statement timeout: COPY runs as long as the download (lib/db.ts's limit is for pages).
    const client = new pg.Client({ connectionString: env().DATABASE_URL, application_name: COPY_EXPORT_APPLICATION, statement_timeout: 0 });
    // Ending the connection under a running COPY (a cancelled download) is reported here;
    // without a listener Node would treat it as an uncaught exception.
    client.on('error', (error) => out.destroy(error));
    try {
      await client.connect();
      const copy = client.query(copyTo(`COPY (${inlineValues(select)}) TO STDOUT WITH (FORMAT csv)`));
      copy.on('error', (error) => out.destroy(error));
      copy.on('end', () => {
        copyRows = copy.rowCount ?? 0;
        copied = true;
      });
      copy.pipe(out);
    } catch (error) {
      if (!out.destroyed) log.error('csv export could not start', { error });
      out.destroy(error as Error);
    }
    await closed;
    await client.end().catch(() => {});
  });
  return { stream: out, ended };
}
