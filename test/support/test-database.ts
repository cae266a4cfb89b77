// Gives the calling test file a database of its own, cloned from the run's migrated
// template, and points the app's db client at it. The app code runs as the runtime role,
// as it does in production (scripts/lib/db-roles.mjs); the purge as the purge role.
// Fixtures and tampering that need the owner use ownerDb() or ownerDatabaseUrl().
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll } from 'vitest';
import { PrismaClient } from '@/generated/prisma/client';
import { cloneTemplate } from './databases.mjs';

let owner: PrismaClient | undefined;

export function useTestDatabase(): void {
  let drop: (() => Promise<unknown>) | undefined;
  beforeAll(async () => {
    const server = process.env.TEST_PG_SERVER;
    const template = process.env.TEST_TEMPLATE_DB;
    if (!server || !template) throw new Error('test/global-setup.ts did not run');
    const database = await cloneTemplate(server, template);
    process.env.DATABASE_URL = database.runtimeUrl;
    process.env.MIGRATION_DATABASE_URL = database.url;
    process.env.PURGE_DATABASE_URL = database.purgeUrl;
    drop = database.drop;
  });
  afterAll(async () => {
    // The job sender (notifications enqueued after commits) borrows the db pool: stop it first.
    const { closeJobSender } = await import('@/lib/jobs/boss');
    await closeJobSender();
    const { closeDb } = await import('@/lib/db');
    await closeDb();
    await owner?.$disconnect();
    owner = undefined;
    await drop?.();
  });
}

/** The test database as its owner (the role migrations run as): for tampering like an attacker with the owner's rights. */
export function ownerDatabaseUrl(): string {
  const url = process.env.MIGRATION_DATABASE_URL;
  if (!url) throw new Error('useTestDatabase() has not set up the database yet');
  return url;
}

/**
 * A Prisma client logged in as the owner, for fixtures the runtime role may not write
 * (audit events outside the hash chain, backdated); closed with the database.
 */
export function ownerDb(): PrismaClient {
  owner ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: ownerDatabaseUrl() }) });
  return owner;
}
