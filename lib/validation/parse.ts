// zod parsing that turns failures into InputError with one message list per field.
import { z } from 'zod';
import { InputError } from '@/lib/errors';

/**
 * Objects a schema has already produced (server actions parse their arguments before the
 * data layer, which parses again when called directly): parseInput hands such an object
 * back as it is rather than parsing its own output, which would not always pass (dates,
 * reshaping transforms).
 */
const parsedBy = new WeakMap<object, z.ZodType>();

function remember(schema: z.ZodType, value: unknown): void {
  if (typeof value === 'object' && value !== null) parsedBy.set(value, schema);
}

function inputError(issues: readonly z.core.$ZodIssue[], pathFrom: number): InputError {
  const formErrors: string[] = [];
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path[pathFrom];
    if (key === undefined) formErrors.push(issue.message);
    else (fieldErrors[String(key)] ??= []).push(issue.message);
  }
  return new InputError(formErrors[0] ?? 'Some fields need attention.', fieldErrors);
}

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  if (typeof raw === 'object' && raw !== null && parsedBy.get(raw) === schema) return raw as z.output<S>;
  const result = schema.safeParse(raw);
  if (result.success) {
    remember(schema, result.data);
    return result.data;
  }
  const flat = z.flattenError(result.error);
  const fieldErrors = Object.fromEntries(Object.entries(flat.fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])));
  const message = flat.formErrors[0] ?? 'Some fields need attention.';
  throw new InputError(message, fieldErrors);
}

/**
 * A server action's arguments: one argument's schema, or a z.tuple of them for several
 * (an id, then the form). A failure is the InputError the data layer would give: the
 * form's field errors by field name (past the argument's place), anything else (an id,
 * a form that is not an object) as the message.
 */
export function parseArgs<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw inputError(result.error.issues, schema instanceof z.ZodTuple ? 1 : 0);
  if (schema instanceof z.ZodTuple && Array.isArray(result.data)) {
    const items = schema.def.items as readonly z.ZodType[];
    items.forEach((item, i) => remember(item, (result.data as unknown[])[i]));
  } else {
    remember(schema, result.data);
  }
  return result.data;
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
