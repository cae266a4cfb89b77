export const root: string;
export function loadDotEnv(dev?: boolean): void;
export function applyGeneratedKeys(env?: Record<string, string | undefined>): void;
export function embeddedRoleUrls(ownerUrl: string): { MIGRATION_DATABASE_URL: string; DATABASE_URL: string; PURGE_DATABASE_URL: string };
export function startEmbeddedDatabase(
  supervisor: import('./supervisor.mjs').Supervisor,
  env?: Record<string, string | undefined>,
): Promise<import('./embedded-db.mjs').EmbeddedPostgresChild>;
export function prepareCommandEnv(options: {
  role: 'runtime' | 'purge';
  startIfStopped: boolean;
  who?: string;
  env?: Record<string, string | undefined>;
}): Promise<{ release: () => Promise<void> }>;
export function serverEnvironment(env?: Record<string, string | undefined>): Record<string, string | undefined>;
