// How the operator commands that talk to the database (audit:verify, audit:purge) run and
// end: they find the database as `npm start` does (prepareCommandEnv), and however they
// end, the client and the embedded PostgreSQL they may have started are closed before the
// process exits. An unexpected error is one line (operators and cron read these), exit 2.
import { closeDb } from '@/lib/db';
import { prepareCommandEnv } from './local-env.mjs';

type Prepare = (options: { role: 'runtime' | 'purge'; startIfStopped: boolean }) => Promise<void>;

/** Runs `main` (given the step that connects) and exits with its code; a throw prints `<failed>: <message>`. */
export function runDbCommand(failed: string, main: (prepare: Prepare) => Promise<number>): void {
  let release = async () => {};
  const prepare: Prepare = async (options) => {
    ({ release } = await prepareCommandEnv(options));
  };
  main(prepare)
    .then(async (code) => {
      await closeDb();
      await release();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`${failed}: ${error instanceof Error ? error.message : String(error)}`);
      await closeDb().catch(() => {});
      await release().catch(() => {});
      process.exit(2);
    });
}
