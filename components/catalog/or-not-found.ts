// Detail pages: an unknown or malformed id from the URL is a 404 page, never a 500.
import 'server-only';
import { notFound } from 'next/navigation';
import { isUuid } from '@/lib/validation/ids';
import { NotFoundError } from '@/lib/errors';

export async function loadOrNotFound<T>(id: string, load: (id: string) => Promise<T>): Promise<T> {
  if (!isUuid(id)) notFound();
  try {
    return await load(id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
