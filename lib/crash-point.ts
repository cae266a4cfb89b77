// Test-only crash points: the crash tests start a real process with
// TEST_CRASH_POINT=<point> and it kills itself there with SIGKILL (no cleanup, no
// finally blocks, as a power cut or an OOM kill would), so they can prove the work left
// behind is settled afterwards. Unset (every real deployment), crashPoint does nothing.
//
// Points: value_write:before_provider, value_write:after_provider,
// version_change:after_provider (lib/data/secret-values.ts). A new point is a new name here.
import 'server-only';
import { env } from '@/lib/env';

export type CrashPoint = 'value_write:before_provider' | 'value_write:after_provider' | 'version_change:after_provider';

export function crashPoint(point: CrashPoint): void {
  if (env().TEST_CRASH_POINT === point) process.kill(process.pid, 'SIGKILL');
}
