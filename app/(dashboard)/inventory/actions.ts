'use server';
import { z } from 'zod';
import { failureOf, runAction, type ActionFailure } from '@/lib/action';
import { getCaller } from '@/lib/auth/session';
import { searchSystemOptions } from '@/lib/data/catalog';
import { createSecret, decommissionSecret, setDbAdminCredential, updateSecret } from '@/lib/data/secrets';

// Action arguments arrive from the browser and can be anything: check their shape
// before they reach the data layer (which validates the form input itself).
const ZId = z.string().min(1).max(100);
const ZSearch = z.string().max(200);

const UNKNOWN_SECRET: ActionFailure = { ok: false, error: 'This secret does not exist.' };

export async function createSecretAction(input: unknown) {
  return runAction((caller) => createSecret(caller, input));
}

export async function updateSecretAction(id: unknown, input: unknown) {
  const parsed = ZId.safeParse(id);
  if (!parsed.success) return UNKNOWN_SECRET;
  return runAction((caller) => updateSecret(caller, parsed.data, input));
}

export async function decommissionSecretAction(id: unknown, input: unknown) {
  const parsed = ZId.safeParse(id);
  if (!parsed.success) return UNKNOWN_SECRET;
  return runAction((caller) => decommissionSecret(caller, parsed.data, input));
}

/** Admins only (the data layer checks): mark a secret as a PostgreSQL admin credential. */
export async function setDbAdminCredentialAction(id: unknown, input: unknown) {
  const parsed = ZId.safeParse(id);
  if (!parsed.success) return UNKNOWN_SECRET;
  return runAction((caller) => setDbAdminCredential(caller, parsed.data, input));
}

export type SystemSearchResult = { ok: true; options: { id: string; name: string; status: string }[] } | ActionFailure;

// Not runAction: its results are scalars only (ids and messages), and a picker needs a
// short list of options. The list is id/name/status DTOs from the catalog, nothing else.
export async function searchSystemsAction(q: unknown): Promise<SystemSearchResult> {
  const parsed = ZSearch.safeParse(q);
  if (!parsed.success) return { ok: false, error: 'Search for at most 200 characters.' };
  const caller = await getCaller();
  try {
    return { ok: true, options: await searchSystemOptions(caller, parsed.data, 20) };
  } catch (error) {
    return failureOf(error, caller);
  }
}
