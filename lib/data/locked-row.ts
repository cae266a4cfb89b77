// Editing or deleting a row starts by locking it for the rest of the transaction, so
// concurrent edits of the same row serialize: the second one reads what the first saved.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { Tx } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { uuidOrNil } from '@/lib/validation/ids';

/** The tables whose rows are locked this way (a fixed list: the name goes into the SQL). */
type LockedTable = 'teams' | 'systems' | 'secrets' | 'provider_connections' | 'notification_channels' | 'audit_sinks';

/** Locks the row, then reads it with `read` (given the id as stored); NotFoundError(`missing`) when there is none. */
export async function lockedRow<R>(tx: Tx, table: LockedTable, id: string, read: (id: string) => Promise<R | null>, missing: string): Promise<R> {
  const key = uuidOrNil(id);
  await tx.$executeRaw`SELECT 1 FROM ${Prisma.raw(table)} WHERE id = ${key}::uuid FOR UPDATE`;
  const row = await read(key);
  if (!row) throw new NotFoundError(missing);
  return row;
}
