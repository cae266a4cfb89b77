// One read of the secret per request, shared by the tabs' layout, its pages, their
// <title>s and the edit and incident pages (React's cache() lives for one request).
import 'server-only';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { requireSignedIn } from '@/lib/auth/session';
import { getSecret, type SecretDetail } from '@/lib/data/secrets';
import { NotFoundError } from '@/lib/errors';
import { isUuid } from '@/lib/validation/ids';

export const loadSecret = cache(async (id: string): Promise<SecretDetail> => {
  if (!isUuid(id)) notFound();
  const caller = await requireSignedIn();
  return getSecret(caller, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
});

/** The route params of the secret's pages. */
export type SecretParams = Promise<{ secretId: string }>;

/** How each of the secret's tabs starts: the signed-in caller and the secret its address names. */
export async function loadSecretTab(params: SecretParams) {
  const { secretId } = await params;
  const caller = await requireSignedIn();
  return { caller, secret: await loadSecret(secretId) };
}
