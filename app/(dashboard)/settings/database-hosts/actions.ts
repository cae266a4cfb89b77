'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { addDatabaseHost, removeDatabaseHost } from '@/lib/data/database-hosts';

const ZId = z.string().min(1).max(100);

// The data layer checks the permission (admin.providers) and parses the input.
export async function addDatabaseHostAction(input: unknown) {
  return runAction((caller) => addDatabaseHost(caller, input));
}

export async function removeDatabaseHostAction(id: unknown) {
  const parsed = ZId.safeParse(id);
  if (!parsed.success) return { ok: false as const, error: 'This host is not on the list.' };
  return runAction((caller) => removeDatabaseHost(caller, parsed.data));
}
