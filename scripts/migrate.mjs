// `npm run db:migrate`: applies pending migrations (scripts/lib/schema-engine.mjs) as the
// owner role, MIGRATION_DATABASE_URL (DATABASE_URL when unset, as before there were
// roles), then grants the runtime role of DATABASE_URL and the purge role of
// PURGE_DATABASE_URL what they may do (scripts/lib/db-roles.mjs).
import { describeRoles, migrateAndGrant } from './lib/db-roles.mjs';

const runtimeUrl = process.env.DATABASE_URL;
if (!runtimeUrl) {
  console.error('DATABASE_URL is not set. (`npm start` migrates its embedded database by itself.)');
  process.exit(2);
}
const result = await migrateAndGrant({
  ownerUrl: process.env.MIGRATION_DATABASE_URL || runtimeUrl,
  runtimeUrl,
  purgeUrl: process.env.PURGE_DATABASE_URL || undefined,
});
console.log(result.applied.length ? `applied: ${result.applied.join(', ')}` : 'database is up to date');
console.log(describeRoles(result.roles));
