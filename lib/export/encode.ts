// An export source's rows as CSV or JSON Lines byte streams: CSV written by PostgreSQL
// (lib/export/copy-csv.ts) or, for a source that formats its cells in Node, by
// lib/export/csv/write.ts; JSON Lines encoded here from the source's batches. Rows are
// pulled only as fast as the consumer reads (backpressure), and the count of rows
// written is reported when the stream ends, completely or not.
import { Readable } from 'node:stream';
import { csvNodeStream, TEXT_CHUNK_CHARS } from '@/lib/export/csv/write';
import { copyCsv, copyCsvHeader } from './copy-csv';
import type { ExportFormat, ExportSource } from './source';

export type ExportEnd = { rows: number; complete: boolean };

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/**
 * The rows as JSON Lines, handed on in ~64 KB pieces. One generator for counting and encoding:
 * each async step per row costs more than encoding the row (and more again under the
 * server's async-context tracking). `onEnd` runs once, after the last piece was taken or
 * when the consumer stopped, with the rows it took.
 */
async function* encodeRows<R>(
  json: (row: R) => Record<string, unknown>,
  batches: AsyncIterable<readonly R[]>,
  onStart: () => void,
  onEnd: (end: ExportEnd) => void,
): AsyncGenerator<string> {
  onStart();
  let taken = 0;
  let complete = false;
  let text = '';
  let inText = 0;
  try {
    for await (const batch of batches) {
      for (const row of batch) {
        // JSON.stringify escapes any newline inside, so each object stays on its line.
        text += `${JSON.stringify(json(row))}\n`;
        inText++;
        if (text.length >= TEXT_CHUNK_CHARS) {
          yield text;
          taken += inText;
          text = '';
          inText = 0;
        }
      }
    }
    if (text) yield text;
    taken += inText;
    complete = true;
  } finally {
    onEnd({ rows: taken, complete });
  }
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
  // PostgreSQL writes the CSV (no pin yet means no rows: '0').
  if (format === 'csv' && source.csvSelect) return copyCsv(copyCsvHeader(source.columns), source.csvSelect(query, upTo ?? '0'));
  if (format === 'csv' && source.csvRecord) return nodeCsv(source, source.csvRecord, query, upTo);
  const json = source.json;
  if (format === 'csv' || !json) throw new Error(`the ${source.name} export has no ${format} encoding`);
  let resolve!: (end: ExportEnd) => void;
  const ended = new Promise<ExportEnd>((r) => (resolve = r));
  let started = false;
  const text = encodeRows(json, source.rows(query, upTo), () => (started = true), resolve);
  const stream = Readable.from(text, { objectMode: false });
  // A stream destroyed before it was ever read never starts the generator; settle anyway.
  stream.once('close', () => {
    if (!started) resolve({ rows: 0, complete: false });
  });
  return { stream, ended };
}

/** The CSV written in Node, one record per row (the rows a record takes are counted). */
function nodeCsv<Q, R>(
  source: ExportSource<Q, R>,
  record: (row: R) => string[],
  query: Q,
  upTo: string | null,
): { stream: Readable; ended: Promise<ExportEnd> } {
  let resolve!: (end: ExportEnd) => void;
  const ended = new Promise<ExportEnd>((r) => (resolve = r));
  let rows = 0;
  async function* records(): AsyncGenerator<string[]> {
    let complete = false;
    try {
      for await (const batch of source.rows(query, upTo)) {
        for (const row of batch) {
          rows++;
          yield record(row);
        }
      }
      complete = true;
    } finally {
      resolve({ rows, complete });
    }
  }
  const stream = csvNodeStream(source.columns, records());
  stream.once('close', () => resolve({ rows, complete: false })); // never read: settle anyway
  return { stream, ended };
}

/** `audit-events-2026-11-26.csv`; a source's fileStem may put its filters in the name. */
export function exportFileName<Q>(source: { name: string; fileStem?(query: Q): string }, query: Q, format: ExportFormat, day: string): string {
  return `${source.fileStem ? source.fileStem(query) : source.name}-${day}.${format}`;
}
