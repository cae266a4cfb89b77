// Reading the chosen CSV in the browser (size and encoding checked before anything is
// sent) and the counts the import page words its messages with.
import { MAX_IMPORT_BYTES } from '@/lib/export/csv/inventory-columns';

export const fmt = (n: number) => n.toLocaleString('en-US');
export const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Data rows in CSV text (records after the header), counting quoted line breaks as one row. */
export function countRows(text: string): number {
  let rows = 0;
  let quoted = false;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (!blank) rows++;
      blank = true;
    } else if (c.trim()) blank = false;
  }
  if (!blank) rows++;
  return Math.max(rows - 1, 0);
}

export async function readFile(file: File): Promise<string> {
  if (file.size > MAX_IMPORT_BYTES) {
    throw new Error(`This file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB. Split it into smaller files.`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new Error('This file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" and choose it again.');
  }
}
