// Database reachability and readiness for the health routes. Public by design: they reveal
// only up/down and, when not ready, how many migrations are pending (never their names).
import 'server-only';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { db, queryRows } from '@/lib/db';
import { Prisma } from '@/generated/prisma/client';

const TIMEOUT_MS = 2000;

/** `work`'s result, or `fallback` when it throws or has not answered within TIMEOUT_MS. */
async function within<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

export async function databaseReachable(): Promise<boolean> {
  return within(
    db.$queryRaw`SELECT 1`.then(() => true),
    false,
  );
}

// The migrations this build ships with: prisma/migrations next to the app (the checkout,
// and the image, which copies prisma/). Read once: they do not change while it runs.
let shipped: Promise<string[]> | undefined;
function shippedMigrations(): Promise<string[]> {
  shipped ??= readdir(path.join(process.cwd(), 'prisma', 'migrations'), { withFileTypes: true }).then((entries) =>
    entries.filter((e) => e.isDirectory()).map((e) => e.name),
  );
  return shipped;
}

export type Readiness = { ready: true } | { ready: false; reason: 'database_unreachable' | 'migrations_pending'; pending?: number };

/**
 * Ready to serve: the database answers and every migration this build ships with has been
 * applied (a replica of a newer release must not serve before `npm run db:migrate` ran,
 * nor an old schema's errors to people). A database ahead of the build (migrations this
 * build does not know) is ready: migrations only add, so the previous release keeps
 * working during a rolling update.
 */
export async function readiness(): Promise<Readiness> {
  const applied = await within(
    queryRows<{ migration_name: string }>(
      Prisma.sql`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    ).then((rows) => new Set(rows.map((r) => r.migration_name))),
    null,
  );
  if (!applied) return { ready: false, reason: 'database_unreachable' };
  const pending = (await shippedMigrations()).filter((name) => !applied.has(name)).length;
  return pending === 0 ? { ready: true } : { ready: false, reason: 'migrations_pending', pending };
}
