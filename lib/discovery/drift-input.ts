// What the drift page's URL and its fix buttons send, parsed with zod. A malformed filter
// or cursor means "no filter" / "first page", like the other lists.
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@/lib/db/cursor';
import { actionId } from '@/lib/validation/ids';
import { DRIFT_KINDS, type DriftCursor } from './drift-sql';

export const ZDriftQuery = z.object({
  connection: z.uuid().optional().catch(undefined),
  kind: z.enum(DRIFT_KINDS).optional().catch(undefined),
  cursor: z.string().max(2000).optional().catch(undefined),
});
/** As the URL gives it: anything unexpected is dropped by ZDriftQuery. */
export type TDriftQuery = { connection?: string; kind?: string; cursor?: string };

/** The kinds with a one-click fix. */
export const FIXABLE_KINDS = ['last_rotated_mismatch', 'tags_mismatch', 'out_of_band_version'] as const;
export type FixableKind = (typeof FIXABLE_KINDS)[number];

export const ZDriftFix = z.object({
  secretId: actionId('This secret does not exist.'),
  kind: z.enum(FIXABLE_KINDS, { error: 'This finding has no one-click fix.' }),
  /** The finding as the page showed it (driftSeenToken): a fix applies only to what the person saw. */
  seen: z.string().regex(/^[0-9a-f]{64}$/, { error: 'The report is out of date: reload the page.' }),
});
export type TDriftFix = z.input<typeof ZDriftFix>;

const ZCursorValue = z.tuple([z.string(), z.enum(DRIFT_KINDS)]);

export function encodeDriftCursor(c: DriftCursor): string {
  return encodeCursor(JSON.stringify([c.name, c.kind]), c.id);
}

export function decodeDriftCursor(text: string | undefined): DriftCursor | null {
  const cursor = decodeCursor(text);
  if (!cursor?.value) return null;
  try {
    const [name, kind] = ZCursorValue.parse(JSON.parse(cursor.value));
    return { name, kind, id: cursor.id };
  } catch {
    return null;
  }
}
