// What a leak finding shows of where it was found: at most the assignment key in front of
// the match (`DB_PASSWORD=`), then a mask with the match's length. Never any part of the
// matched text, and no other text of the line (the rest of a line may hold other secrets).
// Pure: the CLI computes previews on the machine it scans, so only masks travel.

const MASK = '••••';
const MAX_KEY = 64;

/** Identifier-like key characters: letters, digits, `_`, `-`, `.`. */
function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 45 || code === 46 // a-z A-Z 0-9 _ - .
  );
}

function isQuote(code: number): boolean {
  return code === 34 || code === 39 || code === 96;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** What may come right before a key: the line start, a blank, a quote, or punctuation that opens or separates. */
function opensKey(code: number): boolean {
  return isSpace(code) || isQuote(code) || code === 123 || code === 44 || code === 59 || code === 40 || code === 91 || code === 63 || code === 38; // { , ; ( [ ? &
}

/** The `key=` or `key: ` just before `start`, as it will be shown, or "" when there is none. */
function keyBefore(line: string, start: number): string {
  let i = start - 1;
  while (i >= 0 && (isSpace(line.charCodeAt(i)) || isQuote(line.charCodeAt(i)))) i--;
  if (i < 0) return '';
  const sep = line.charCodeAt(i);
  if (sep !== 61 && sep !== 58) return ''; // = or :
  i--;
  while (i >= 0 && (isSpace(line.charCodeAt(i)) || isQuote(line.charCodeAt(i)))) i--;
  const end = i + 1;
  while (i >= 0 && end - i <= MAX_KEY && isKeyChar(line.charCodeAt(i))) i--;
  const begin = i + 1;
  if (begin === end || end - begin > MAX_KEY) return '';
  if (i >= 0 && !opensKey(line.charCodeAt(i))) return '';
  // `export NAME=value` shows NAME=, never `export`; a key of digits only is no key.
  const key = line.slice(begin, end);
  if (!/[A-Za-z_]/.test(key)) return '';
  return sep === 61 ? `${key}=` : `${key}: `;
}

/** Whether a and b share any 4-character substring, case-insensitively. */
export function sharesFourChars(a: string, b: string): boolean {
  if (a.length < 4 || b.length < 4) return false;
  const small = (a.length <= b.length ? a : b).toLowerCase();
  const big = (a.length <= b.length ? b : a).toLowerCase();
  for (let i = 0; i + 4 <= small.length; i++) {
    if (big.includes(small.slice(i, i + 4))) return true;
  }
  return false;
}

/** Characters the mask is made of: a matched text without any of them cannot share a 4-gram with it (but "chars"). */
const MASK_CHARS = /[•() ]|char|hars/i;

/**
 * The masked preview of line[start, end): `KEY=•••• (N chars)` or `•••• (N chars)`. The key
 * is dropped when it shares any 4-character substring (case-insensitive) with the matched
 * text; the whole preview never does.
 */
export function maskedPreview(line: string, start: number, end: number): string {
  const matched = line.slice(start, end);
  let mask = `${MASK} (${end - start} chars)`;
  if (MASK_CHARS.test(matched) && sharesFourChars(mask, matched)) {
    mask = sharesFourChars(MASK, matched) ? '…' : MASK;
  }
  const key = keyBefore(line, start);
  if (key) {
    const preview = key + mask;
    if (!sharesFourChars(preview, matched)) return preview;
  }
  return mask;
}
