// Dates and sizes as people read them in a table: a calendar day, how far away it is, a file size.
const DAY_MS = 86_400_000;

export function formatDay(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().slice(0, 10);
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** "in 3 days", "12 days ago", "today". */
export function relativeDays(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const days = Math.round((new Date(iso).getTime() - now) / DAY_MS);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** A size as people read it: "512 bytes", "31 KB", "4.2 MB" (1 KB = 1024 bytes, as the upload limits). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < BYTE_UNITS.length - 1 && Math.round(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}
