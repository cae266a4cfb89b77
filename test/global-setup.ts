// Vitest global setup: one migrated template database per run (unless scripts/test.mjs
// already made one); integration test files clone it (test/support/test-database.ts).
import { createTemplate, dropDatabase } from './support/databases.mjs';

export default async function setup() {
  const server = process.env.TEST_PG_SERVER ?? process.env.DATABASE_URL;
  if (!server) {
    throw new Error('Integration tests need PostgreSQL: run `npm test` (starts one) or set DATABASE_URL to a local server.');
  }
  process.env.TEST_PG_SERVER = server;
  if (process.env.TEST_TEMPLATE_DB) return;
  const template = await createTemplate(server);
  process.env.TEST_TEMPLATE_DB = template;
  return () => dropDatabase(server, template);
}
