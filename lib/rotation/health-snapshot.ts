// PLACEHOLDER: records the day's rotation health (rotation_health_snapshots). Replaced by
// the real implementation; the worker calls it once a day.
export async function recordHealthSnapshot(_now: Date): Promise<void> {}
