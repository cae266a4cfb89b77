// Writes CSV with csv-stringify as a web stream, and guards cells against formula
// injection: a spreadsheet runs a cell starting with = + - @ (or tab/CR, which some
// strip first) as a formula, so such cells get a leading single quote (OWASP advice).
// Import strips exactly that quote again, so an export re-imports unchanged.
import { pipeline, Readable } from 'node:stream';
import { log } from '@/lib/log';
import { stringify } from 'csv-stringify';

const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Undoes neutraliseFormula; any other leading quote is left alone. */
export function unneutraliseFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

/**
 * A header and records as a CSV byte stream. Records are pulled from the iterable only
 * as fast as the client reads (backpressure), and a cancelled download stops the pull.
 * A UTF-8 byte-order mark lets Excel read non-ASCII names correctly.
 */
export function csvStream(header: readonly string[], records: AsyncIterable<string[]>): ReadableStream<Uint8Array> {
  return Readable.toWeb(csvNodeStream(header, records)) as unknown as ReadableStream<Uint8Array>;
}

/** The same CSV bytes as a Node stream (for a zip entry, which takes Node streams). */
export function csvNodeStream(header: readonly string[], records: AsyncIterable<string[]>): Readable {
  const stringifier = stringify({
    bom: true,
    header: true,
    columns: [...header],
    record_delimiter: 'windows',
    // csv-stringify only quotes the record delimiter (CRLF); a lone LF or CR inside a
    // cell must be quoted too or readers would split the record there.
    quoted_match: /[\r\n]/,
  });
  // pipeline tears both ends down when either fails or the download is cancelled,
  // which ends the iterable (and its database reads) early.
  pipeline(Readable.from(records, { objectMode: true }), stringifier, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      log.error('csv export failed', { error });
    }
  });
  return stringifier;
}
