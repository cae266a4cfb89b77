// `npm run audit:verify`: walks the audit hash chain (lib/audit/chain.ts), records the
// result for the Audit page and prints one summary line. Exits 1 when a link is broken,
// naming the row, so cron or CI can alert on it.
//
// Runs under tsx with the `react-server` condition, like `npm run worker`. Finds the
// database and keys as `npm start` does (scripts/lib/local-env.mjs), as the runtime role;
// starts the embedded PostgreSQL for its own duration when npm start is not running.
import { verifyAndRecord } from '@/lib/audit/verifications';
import { setStatementTimeout } from '@/lib/db';
import { runDbCommand } from './lib/db-command';

runDbCommand('audit:verify could not run', async (prepare) => {
  await prepare({ role: 'runtime', startIfStopped: true });
  // The walk over every event may run long on a large trail.
  setStatementTimeout(0);
  const started = performance.now();
  const result = await verifyAndRecord();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.ok) {
    console.log(`audit:verify OK ${result.message} (${seconds} s)`);
    return 0;
  }
  const b = result.break!;
  console.error(`audit:verify FAILED ${result.message}`);
  console.error(`  check: ${b.check}  seq: ${b.seq ?? '-'}  id: ${b.id ?? '-'}`);
  console.error(`  expected: ${b.expected}`);
  console.error(`  stored:   ${b.stored}`);
  return 1;
});
