// A consumer of a database credential, as a real process (./db-consumer-child.ts): it
// holds a connection pool with the credential it reads from the provider (the local store
// or AWS Secrets Manager, AWSCURRENT), queries every ~50 ms, and moves to a new credential
// when one appears (unless sticky: the straggler). For the alternating-users tests: a
// consumer keeps working through a rotation and moves; its failures are counted. Free of
// test-runner imports, so the e2e tests use it too.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

export type CredentialSource =
  /** The local provider's store (LOCAL_PROVIDER_DIR and LOCAL_PROVIDER_KEY of the app). */
  | { kind: 'local'; dir: string; key: string; providerRef: string }
  /** AWS Secrets Manager (an emulator's endpoint): GetSecretValue of AWSCURRENT. */
  | { kind: 'aws'; endpoint: string; region: string; secretId: string };

export type DbConsumerOptions = {
  source: CredentialSource;
  engine: 'postgres' | 'mysql';
  /** PostgreSQL's application_name of its sessions (MySQL has none). */
  applicationName?: string;
  /** Never reads the credential again after the first: a consumer that does not move. */
  sticky?: boolean;
  /** Connections the pool holds open (default 3). */
  connections?: number;
  /** MySQL only: the local address its connections come from (e.g. 127.0.0.2), so a
   *  server's session list tells it from another consumer on the same machine. */
  localAddress?: string;
};

export type DbConsumerStats = { queries: number; failures: number; switches: number; user: string | null };

export type DbConsumer = {
  /** Spawns it and waits until its pool is open. */
  start(timeoutMs?: number): Promise<void>;
  /** Its counts as last reported. */
  stats(): DbConsumerStats;
  /** Waits until its report satisfies `done` (e.g. it moved to another user). */
  until(done: (stats: DbConsumerStats) => boolean, timeoutMs?: number): Promise<DbConsumerStats>;
  /** A sticky consumer starts reading the credential again (and so moves). */
  follow(): void;
  /** Ends its pool and the process; the final counts. */
  stop(): Promise<DbConsumerStats>;
};

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function dbConsumer(options: DbConsumerOptions): DbConsumer {
  let child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  let last: DbConsumerStats = { queries: 0, failures: 0, switches: 0, user: null };
  let output = '';
  let stopped = false;
  let exited: Promise<void> = Promise.resolve();

  const until = async (done: (stats: DbConsumerStats) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(last)) {
      if (!child || child.exitCode !== null) throw new Error(`the consumer is not running:\n${output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`the consumer did not get there; last report ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return last;
  };

  return {
    async start(timeoutMs = 30_000) {
      const config = {
        source: options.source,
        engine: options.engine,
        applicationName: options.applicationName ?? 'db-consumer',
        sticky: options.sticky ?? false,
        connections: options.connections ?? 3,
        localAddress: options.localAddress,
      };
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, DB_CONSUMER_CONFIG: JSON.stringify(config) } as unknown as NodeJS.ProcessEnv;
      const started = spawn(process.execPath, ['--import', 'tsx', 'test/support/db-consumer-child.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let buffer = '';
      started.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          output += `${line}\n`;
          try {
            const parsed = JSON.parse(line) as Partial<DbConsumerStats> & { stopped?: boolean };
            if (parsed.stopped) stopped = true;
            else last = parsed as DbConsumerStats;
          } catch {
            // not a report
          }
        }
      });
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      exited = new Promise((resolve) => started.on('exit', () => resolve()));
      await until((s) => s.user !== null, timeoutMs);
    },
    stats: () => last,
    until,
    follow: () => void child?.kill('SIGUSR2'),
    async stop() {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!stopped && child) child.kill('SIGKILL');
      return last;
    },
  };
}
