export function startEmbeddedPostgres(options?: {
  name?: string;
  database?: string;
  persistent?: boolean;
  port?: number;
}): Promise<{ url: string; serverUrl: string; stop: () => Promise<void> }>;
