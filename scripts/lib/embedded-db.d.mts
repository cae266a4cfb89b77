export function startEmbeddedPostgres(options?: {
  name?: string;
  database?: string;
  persistent?: boolean;
  port?: number;
  databaseDir?: string;
}): Promise<{ url: string; serverUrl: string; stop: () => Promise<void>; postmasterPid: () => number; restart: () => Promise<void> }>;
export function embeddedUrl(port: number, database: string): string;
export function runningEmbeddedPostgres(name?: string): { pid: number; port: number } | null;
export interface EmbeddedPostgresChild {
  // Its readiness check is always there (a test may start the server without a supervisor).
  child: import('./supervisor.mjs').ChildSpec & Required<Pick<import('./supervisor.mjs').ChildSpec, 'ready'>>;
  url: string;
  serverUrl: string;
  ensureDatabase: () => Promise<void>;
}
export function embeddedPostgresChild(options?: { name?: string; databaseDir?: string; database?: string; port?: number }): Promise<EmbeddedPostgresChild>;
