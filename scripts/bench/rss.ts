// The app server's memory over the whole bench: the kernel's own high-water mark of its
// resident set (VmHWM in /proc/<pid>/status) since it started, so no peak falls between
// two samples. The server is one process (scripts/server.mjs runs Next in it; the worker
// is not started by the bench).
import { readFileSync } from 'node:fs';

/** The peak resident set of a running process so far, in MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for process ${pid}`);
  return Number(m[1]) / 1024;
}
