// `npm run audit:purge -- --before <date> --export <file>`: the only way audit events
// leave the database (lib/audit/purge.ts). Exports the events older than <date> to
// <file> (JSON Lines; the file must not exist yet), records a checkpoint and deletes
// them. Refused while the retention period is "keep forever" (the default), for dates
// inside the period an administrator set (Settings -> Audit retention), and when the
// chain to be purged does not verify. Logs in as the purge role (PURGE_DATABASE_URL,
// else MIGRATION_DATABASE_URL), the only one allowed to call audit_purge(): run it as
// the operator who holds those credentials (docs/operations.md "Database roles"). On a checkout with
// no DATABASE_URL it logs in to the embedded PostgreSQL as its purge role, as `npm start`
// set it up (scripts/lib/local-env.mjs), starting it for its own duration if need be.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { purgeAuditEvents, PurgeRefused } from '@/lib/audit/purge';
import { setStatementTimeout } from '@/lib/db';
import { runDbCommand } from './lib/db-command';

runDbCommand('audit:purge failed, nothing was purged', async (prepare) => {
  // The export and the delete may run long on a large trail.
  setStatementTimeout(0);
  const { values } = parseArgs({ options: { before: { type: 'string' }, export: { type: 'string' } } });
  if (!values.before || !values.export) {
    console.error('usage: npm run audit:purge -- --before <YYYY-MM-DD or ISO time> --export <file.jsonl>');
    return 2;
  }
  await prepare({ role: 'purge', startIfStopped: true });
  const before = new Date(values.before);
  try {
    const r = await purgeAuditEvents({ before, exportFile: values.export, operator: userInfo().username });
    console.log(
      `audit:purge OK ${r.eventsPurged} chained and ${r.legacyPurged} legacy events before ${before.toISOString()} exported to ${r.file} ` +
        `(sha256 ${r.fileSha256}) and purged; checkpoint seq ${r.throughSeq} ${r.lastHash}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PurgeRefused)) throw error;
    console.error(`audit:purge REFUSED ${error.message}`);
    return 1;
  }
});
