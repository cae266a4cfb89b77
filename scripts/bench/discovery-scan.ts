// One discovery scan in a process of its own, for the bench (scripts/bench/discovery.ts):
// runs the connection's scan as the worker would and prints, as its last line, the time it
// took, its resident memory before and at the peak (VmHWM), and its live heap before and
// after a full collection, as JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '@/lib/clock';
import { closeDb, db } from '@/lib/db';
import { runScan } from '@/lib/discovery/scan';
import { closeGcpClients } from '@/lib/providers/gcp-client';

const connectionId = process.argv[2];
if (!connectionId) throw new Error('usage: discovery-scan.ts <connectionId>');

const rssMb = () => process.memoryUsage().rss / 1048576;
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

// Warm up what every scan needs before the baseline: the database pool.
await db.providerConnection.findUniqueOrThrow({ where: { id: connectionId } });
const before = rssMb();
const heapBeforeMb = process.memoryUsage().heapUsed / 1048576;
// Resets the kernel's high-water mark (VmHWM) to the current resident set, so the peak
// measured is the scan's, not start-up's (loading and compiling modules peaks higher).
writeFileSync('/proc/self/clear_refs', '5');
const started = performance.now();
const result = await runScan(connectionId, systemClock);
const seconds = (performance.now() - started) / 1000;
const peak = peakMb();
// What the scan left alive (a leak shows here; garbage not yet collected does not): --expose-gc.
(globalThis as { gc?: () => void }).gc?.();
const heapAfterGcMb = process.memoryUsage().heapUsed / 1048576;
await closeGcpClients();
await closeDb();
console.log(JSON.stringify({ ...result, seconds, rssBeforeMb: before, rssPeakMb: peak, heapBeforeMb, heapAfterGcMb }));
