// `npm run db:migrate`: applies pending migrations to DATABASE_URL (see scripts/lib/schema-engine.mjs).
import { applyMigrations } from './lib/schema-engine.mjs';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set. (`npm start` migrates its embedded database by itself.)');
  process.exit(2);
}
const applied = await applyMigrations(url);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
