// zod parsing that turns failures into InputError with one message list per field.
import { z } from 'zod';
import { InputError } from '@/lib/errors';

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const flat = z.flattenError(result.error);
  const fieldErrors = Object.fromEntries(
    Object.entries(flat.fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])),
  );
  const message = flat.formErrors[0] ?? 'Some fields need attention.';
  throw new InputError(message, fieldErrors);
}

/** '' and null from a form mean "not given". */
export const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** A list given either as an array or as comma/newline-separated text (forms, CSV). */
export const listFromText = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean)
    : v;
