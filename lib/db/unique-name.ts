// Names are unique per table and the constraint is what enforces it (a read before the
// write would race). The violation aborts the transaction, so it is recognised around the
// transaction, not inside it, and becomes the form's error on the name field.
import { type InputError, isUniqueViolation } from '@/lib/errors';

/** Runs the write; a unique violation from it is thrown as `nameTaken()`, anything else as it is. */
export async function refusingTakenName<T>(nameTaken: () => InputError, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}
