// Turns the dashboard's labels into AWS tags that CreateSecret accepts. AWS allows keys of
// 1-128 and values of 0-256 characters from letters, digits, spaces and _.:/=+-@, reserves
// the "aws:" prefix and takes at most 50 tags; anything else would fail the whole write.
import 'server-only';

const MAX_TAGS = 50;
const DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

const clean = (text: string, max: number) => Array.from(text.replace(DISALLOWED, '_')).slice(0, max).join('');

export function labelsToAwsTags(labels: Record<string, string>): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of Object.entries(labels)) {
    let key = clean(rawKey.trim(), 128);
    if (key.toLowerCase().startsWith('aws:')) key = clean(`_${key}`, 128);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    tags.push({ Key: key, Value: clean(rawValue, 256) });
    if (tags.length === MAX_TAGS) break;
  }
  return tags;
}
