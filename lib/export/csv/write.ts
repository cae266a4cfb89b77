// Writes CSV as a byte stream (Node or web), and guards cells against formula
// injection: a spreadsheet runs a cell starting with = + - @ (or tab/CR, which some
// strip first) as a formula, so such cells get a leading single quote (OWASP advice).
// Import strips exactly that quote again, so an export re-imports unchanged.
import { Readable } from 'node:stream';
import { log } from '@/lib/log';

const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Undoes neutraliseFormula; any other leading quote is left alone. */
export function unneutraliseFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

// RFC 4180 with CRLF records. A cell is quoted when it holds a comma, a quote or any line
// break: a lone LF or CR must be quoted too, or some readers would split the record there.
const NEEDS_QUOTES = /[",\r\n]/;
const field = (cell: string) => (NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** One record as a CSV line, CRLF-terminated. */
export const csvLine = (cells: readonly string[]) => `${cells.map(field).join(',')}\r\n`;

/** The header line, after a UTF-8 byte-order mark that lets Excel read non-ASCII names correctly. */
export const csvHeader = (columns: readonly string[]) => `\uFEFF${csvLine(columns)}`;

/**
 * Text is handed on in pieces of about this size, not one chunk per record: on a 1M-row
 * audit export the per-chunk stream work (and csv-stringify's per-record transform)
 * cost several times the encoding itself.
 */
export const TEXT_CHUNK_CHARS = 64 * 1024;

async function* csvText(header: readonly string[], records: AsyncIterable<string[]>): AsyncGenerator<string> {
  let text = csvHeader(header);
  for await (const record of records) {
    text += csvLine(record);
    if (text.length >= TEXT_CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/**
 * A header and records as a CSV byte stream. Records are pulled from the iterable only
 * as fast as the client reads (backpressure), and a cancelled download stops the pull.
 */
export function csvStream(header: readonly string[], records: AsyncIterable<string[]>): ReadableStream<Uint8Array> {
  return Readable.toWeb(csvNodeStream(header, records)) as unknown as ReadableStream<Uint8Array>;
}

/** The same CSV bytes as a Node stream (for a zip entry, which takes Node streams). */
export function csvNodeStream(header: readonly string[], records: AsyncIterable<string[]>): Readable {
  // Destroying the stream (a cancelled download) ends the records iterable, and with it
  // the database reads.
  const stream = Readable.from(csvText(header, records), { objectMode: false });
  stream.on('error', (error) => log.error('csv export failed', { error }));
  return stream;
}
