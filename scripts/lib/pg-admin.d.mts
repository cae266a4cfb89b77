export function withDatabase(url: string, name: string): string;
export function adminQuery(url: string, sql: string): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
export function createScratchDatabase(url: string, prefix: string): Promise<{ name: string; url: string; drop: () => Promise<unknown> }>;
