// Encodes an export source's rows as CSV or JSON Lines byte streams. Rows are pulled only
// as fast as the consumer reads (backpressure through Readable.from), and the count of
// rows written is reported when the stream ends, completely or not.
import { Readable } from 'node:stream';
import { csvNodeStream } from '@/lib/csv/write';
import type { ExportFormat, ExportSource } from './source';

export type ExportEnd = { rows: number; complete: boolean };

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/** Counts what passes through; `onEnd` runs once, after the last row or on an early stop. */
async function* counted<T>(rows: AsyncIterable<T>, onStart: () => void, onEnd: (end: ExportEnd) => void): AsyncGenerator<T> {
  onStart();
  let count = 0;
  let complete = false;
  try {
    for await (const row of rows) {
      yield row;
      count++;
    }
    complete = true;
  } finally {
    onEnd({ rows: count, complete });
  }
}

async function* mapRows<T, U>(rows: AsyncIterable<T>, fn: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield fn(row);
}

/** One JSON object per line, LF-terminated (JSON.stringify escapes any newline inside). */
async function* jsonLines(objects: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  for await (const object of objects) yield `${JSON.stringify(object)}\n`;
}

/**
 * The rows of `source` for `query` as a Node byte stream in `format`. `ended` settles when
 * the rows stop (all read, or the consumer went away) with the number written.
 */
export function encodeExport<Q, R>(
  source: ExportSource<Q, R>,
  query: Q,
  upTo: string | null,
  format: ExportFormat,
): { stream: Readable; ended: Promise<ExportEnd> } {
  let resolve!: (end: ExportEnd) => void;
  const ended = new Promise<ExportEnd>((r) => (resolve = r));
  let started = false;
  const rows = counted(source.rows(query, upTo), () => (started = true), resolve);
  const stream =
    format === 'csv'
      ? csvNodeStream(source.columns, mapRows(rows, (r) => source.csv(r)))
      : Readable.from(jsonLines(mapRows(rows, (r) => source.json(r))), { objectMode: false });
  // A stream destroyed before it was ever read never starts the generator; settle anyway.
  stream.once('close', () => {
    if (!started) resolve({ rows: 0, complete: false });
  });
  return { stream, ended };
}

/** `audit-events-2026-11-26.csv`, with an optional scope. */
export function exportFileName(source: { name: string }, format: ExportFormat, day: string): string {
  return `${source.name}-${day}.${format}`;
}
