// Readiness (lib/data/health.ts, /api/health/ready) as the runtime role, the role the app
// runs as: ready once every migration in prisma/migrations has finished; not ready, naming
// how many are pending, while one has not (here: the newest marked rolled back, as the owner).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readiness } from '@/lib/data/health';
import { appRoot } from '../support/app-process';
import { ownerDb, useTestDatabase } from '../support/test-database';

useTestDatabase();

const newest = readdirSync(path.join(appRoot, 'prisma/migrations'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()
  .at(-1)!;

describe('readiness', () => {
  it('is ready when every shipped migration finished, and not while one is pending', async () => {
    expect(await readiness()).toEqual({ ready: true });
    await ownerDb().$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${newest}`;
    try {
      expect(await readiness()).toEqual({ ready: false, reason: 'migrations_pending', pending: 1 });
    } finally {
      await ownerDb().$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${newest}`;
    }
    expect(await readiness()).toEqual({ ready: true });
  });

  it('a migration the build does not know (a newer release migrated first) does not stop it being ready', async () => {
    await ownerDb()
      .$executeRaw`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (gen_random_uuid()::text, 'x', '29991231000000_from_the_future', now(), now(), 1)`;
    expect(await readiness()).toEqual({ ready: true });
  });
});
