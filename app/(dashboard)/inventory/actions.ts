'use server';
import { z } from 'zod';
import { failureOf, runAction, type ActionFailure } from '@/lib/action';
import { getCaller } from '@/lib/auth/session';
import { searchSystemOptions } from '@/lib/data/catalog';
import { readExpiryFromProvider } from '@/lib/data/secret-expiry';
import { createSecret, decommissionSecret, setDbAdminCredential, updateSecret } from '@/lib/data/secrets';
import { ZDbAdminCredential, ZDecommission, ZSecretInput, ZSecretRef } from '@/lib/validation/secret';

// Action arguments arrive from the browser and can be anything: each action declares
// their shape, checked before they reach the data layer.
const ZSearch = z.string().max(200);

export async function createSecretAction(input: unknown) {
  // The form as sent: the data layer reads the rotation settings of the chosen strategy
  // from it (lib/data/secrets.ts rotationConfigOf), beside the fields ZSecretInput keeps.
  return runAction(ZSecretInput, input, (caller) => createSecret(caller, input));
}

export async function updateSecretAction(id: unknown, input: unknown) {
  // The form as sent, as for createSecretAction.
  return runAction(z.tuple([ZSecretRef, ZSecretInput]), [id, input], (caller, [secretId]) => updateSecret(caller, secretId, input));
}

export async function decommissionSecretAction(id: unknown, input: unknown) {
  return runAction(z.tuple([ZSecretRef, ZDecommission]), [id, input], (caller, [secretId, decommission]) => decommissionSecret(caller, secretId, decommission));
}

/** Admins only (the data layer checks): mark a secret as a database admin credential. */
export async function setDbAdminCredentialAction(id: unknown, input: unknown) {
  return runAction(z.tuple([ZSecretRef, ZDbAdminCredential]), [id, input], (caller, [secretId, credential]) =>
    setDbAdminCredential(caller, secretId, credential),
  );
}

/** Engineers of the owning team: the expiry of the certificate chain the provider holds (the value stays on the server). */
export async function readExpiryFromProviderAction(id: unknown) {
  return runAction(ZSecretRef, id, (caller, secretId) => readExpiryFromProvider(caller, secretId));
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
