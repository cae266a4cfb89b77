export const schemaPath: string;
export const migrationsDir: string;
export function applyMigrations(connectionString: string): Promise<string[]>;
export function pendingSchemaChanges(emptyDatabaseUrl: string): Promise<string>;
