// Input rules for discovery (Settings → Providers → a connection): how often it is scanned.
import { z } from 'zod';

export const MAX_SCAN_INTERVAL_HOURS = 720;
const MESSAGE = `Enter a whole number of hours from 1 to ${MAX_SCAN_INTERVAL_HOURS} (30 days), or leave it empty for on-demand scans only.`;

/** Hours between scheduled scans, or null (off: scans only when someone asks). */
export const ZScanInterval = z.object({
  hours: z.preprocess(
    (v) => (v === '' || v === null || v === undefined || v === 'off' ? null : typeof v === 'string' ? Number(v.trim()) : v),
    z.number({ message: MESSAGE }).int({ message: MESSAGE }).min(1, { message: MESSAGE }).max(MAX_SCAN_INTERVAL_HOURS, { message: MESSAGE }).nullable(),
  ),
});
export type TScanInterval = z.infer<typeof ZScanInterval>;
