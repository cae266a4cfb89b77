// The posture checklist's keys (lib/posture/checks.ts defines each), and the Posture page
// and inventory filter as they live in the URL.
import { z } from 'zod';
import { firstValues, loose, type SearchParams } from './list-url';

export const POSTURE_CHECK_KEYS = [
  'owner_contact',
  'consumers_declared',
  'rotation_on_schedule',
  'grace_strategy',
  'last_rotation_ok',
  'unique_value',
  'no_undeclared_readers',
  'no_drift',
  'tags_match',
  'classification_set',
] as const;

export type PostureCheckKey = (typeof POSTURE_CHECK_KEYS)[number];

export const ZPostureCheckKey = z.enum(POSTURE_CHECK_KEYS);

export const POSTURE_RANGES = [30, 90, 365] as const;

export const ZPostureQuery = z.object({
  team: loose(z.uuid()),
  range: loose(z.coerce.number().pipe(z.union(POSTURE_RANGES.map((r) => z.literal(r))))),
  after: loose(z.string().max(500)),
});

export type TPostureQuery = z.infer<typeof ZPostureQuery>;

export function parsePostureQuery(params: SearchParams): TPostureQuery {
  return ZPostureQuery.parse(firstValues(params));
}

/** The posture CSV export: the whole organisation, or one team. */
export const ZPostureExportQuery = z.object({ team: loose(z.uuid()) });
export type TPostureExportQuery = z.infer<typeof ZPostureExportQuery>;
