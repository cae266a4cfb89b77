// One posture refresh over every secret, in a process of its own, for the bench
// (scripts/bench/truth.ts): prints, as its last line, how long it took and how many secrets.
import { closeDb } from '@/lib/db';
import { refreshPosture } from '@/lib/posture/refresh';

const started = performance.now();
const result = await refreshPosture(new Date());
const seconds = (performance.now() - started) / 1000;
await closeDb();
console.log(JSON.stringify({ seconds, secrets: result.secrets }));
