// Gives the calling test file a database of its own, cloned from the run's migrated
// template, and points the app's db client at it.
import { afterAll, beforeAll } from 'vitest';
import { cloneTemplate } from './databases.mjs';

export function useTestDatabase(): void {
  let drop: (() => Promise<unknown>) | undefined;
  beforeAll(async () => {
    const server = process.env.TEST_PG_SERVER;
    const template = process.env.TEST_TEMPLATE_DB;
    if (!server || !template) throw new Error('test/global-setup.ts did not run');
    const database = await cloneTemplate(server, template);
    process.env.DATABASE_URL = database.url;
    drop = database.drop;
  });
  afterAll(async () => {
    // The job sender (notifications enqueued after commits) borrows the db pool: stop it first.
    const { closeJobSender } = await import('@/lib/jobs/boss');
    await closeJobSender();
    const { closeDb } = await import('@/lib/db');
    await closeDb();
    await drop?.();
  });
}
