export function startEmbeddedPostgres(options?: {
  name?: string;
  database?: string;
  persistent?: boolean;
  port?: number;
}): Promise<{ url: string; serverUrl: string; stop: () => Promise<void> }>;
export function embeddedUrl(port: number, database: string): string;
export function runningEmbeddedPostgres(name?: string): { pid: number; port: number } | null;
