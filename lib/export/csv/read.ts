// Reads CSV text (as pasted, or a file decoded in the browser) into a header and
// records with their line numbers, using csv-parse. Every way a file can be unreadable
// (wrong encoding, broken quotes, too big) becomes one InputError written for the person
// who has to fix the file; messages quote line numbers, never file contents.
import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '@/lib/errors';

export type CsvRecord = {
  /** Line in the file where the record starts (the header is line 1). */
  line: number;
  cells: string[];
};

export type CsvFile = { header: string[]; records: CsvRecord[]; delimiter: ',' | ';' | '\t' };

type Limits = { maxBytes: number; maxRows: number };

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Which delimiter the header line uses. Spreadsheets in some locales save with ";",
 * and a range copied out of a spreadsheet pastes as tab-separated text.
 */
function detectDelimiter(text: string): CsvFile['delimiter'] {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\n') break;
    else if (!quoted && c in counts) counts[c as keyof typeof counts]++;
  }
  return DELIMITERS.reduce((best, d) => (counts[d] > counts[best] ? d : best), ',' as CsvFile['delimiter']);
}

function fileError(message: string): InputError {
  return new InputError(message);
}

export function readCsv(raw: string, limits: Limits): CsvFile {
  if (Buffer.byteLength(raw, 'utf8') > limits.maxBytes) {
    throw fileError(`The file is larger than ${limits.maxBytes / 1024 / 1024} MB. Split it into smaller files and import them one after another.`);
  }
  if (raw.includes('\u0000')) {
    throw fileError('The file is not UTF-8 text (it looks like UTF-16 or a binary file). In your spreadsheet, save it as "CSV UTF-8".');
  }
  // What a browser puts in place of bytes that are not valid UTF-8.
  if (raw.includes('\uFFFD')) {
    throw fileError('The file is not valid UTF-8 text (some characters could not be read). In your spreadsheet, save it as "CSV UTF-8".');
  }
  // One line ending everywhere, so line numbers and multi-line cells are counted alike.
  const text = raw.replace(/\r\n?/g, '\n');
  if (!text.trim()) throw fileError('The file is empty. Add a header row and one row per secret.');

  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, ''));
  let lastRecordEnd = 0;
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      // Header + maxRows + 1, so "too many" is detectable without parsing the rest.
      to: limits.maxRows + 2,
      on_record: (record: string[], context: { lines: number }) => {
        lastRecordEnd = context.lines;
        return record;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw fileError(describeParseError(error, lastRecordEnd));
  }

  if (rows.length > limits.maxRows + 1) {
    throw fileError(`The file has more than ${limits.maxRows.toLocaleString('en-US')} rows. Split it into smaller files and import them one after another.`);
  }
  const [head, ...body] = rows;
  if (!head) throw fileError('The file is empty. Add a header row and one row per secret.');
  const records = body.map(({ record, info }) => ({
    // csv-parse reports the line a record ends on; multi-line cells move its start up.
    line: info.lines - record.reduce((n, cell) => n + countNewlines(cell), 0),
    cells: record,
  }));
  return { header: head.record, records, delimiter };
}

function countNewlines(cell: string): number {
  let n = 0;
  for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) n++;
  return n;
}

function describeParseError(error: unknown, lastRecordEnd: number): string {
  if (!(error instanceof CsvError)) return 'The file could not be read as CSV.';
  const line = (error as CsvError & { lines?: number }).lines;
  const at = line ? `Line ${line}: ` : '';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `A quoted cell starting on or after line ${lastRecordEnd + 1} is never closed: the file ends inside double quotes. Check that line for a missing closing quote (").`;
    case 'INVALID_OPENING_QUOTE':
      return `${at}a double quote (") appears inside a cell that does not start with one. Put the whole cell in double quotes and write the inner quote twice ("").`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${at}there is text after a closing double quote. A quoted cell must end right after its closing quote; write a quote inside a cell as two quotes ("").`;
    default:
      return `${at}the file could not be read as CSV (${error.code}).`;
  }
}
