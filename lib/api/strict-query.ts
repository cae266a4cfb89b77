// The list pages read their filters from the URL leniently: a malformed one falls back to
// its default (`loose`, `.catch`), so a hand-edited link still shows a page. An API client
// should hear about a typo instead of getting a wider list than it asked for, so the API
// takes the same schemas with every fallback removed: a malformed filter is a 400.
import { z } from 'zod';

/** `schema` without its `.catch` fallbacks (defaults are kept). */
export function withoutFallbacks(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodCatch) return withoutFallbacks(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodDefault) return withoutFallbacks(schema.unwrap() as z.ZodType).default(schema.def.defaultValue as never);
  if (schema instanceof z.ZodOptional) return withoutFallbacks(schema.unwrap() as z.ZodType).optional();
  return schema;
}

/**
 * A list page's query schema as the API takes it: strict, and with its keyset parameter
 * `after` named `cursor` (the API's name for it, answered as `next`).
 */
export function strictListQuery<S extends z.ZodRawShape>(shape: S) {
  const { after: _after, ...filters } = shape;
  const strict = Object.fromEntries(Object.entries(filters).map(([key, schema]) => [key, withoutFallbacks(schema as z.ZodType)]));
  return z.object({ ...strict, cursor: z.string().max(500).optional().describe('The `next` of the previous page') }) as z.ZodObject<
    Record<Exclude<keyof S, 'after'> | 'cursor', z.ZodType>
  >;
}

/** The page a data-layer list function answers, with its cursor named as the API names it. */
export function apiPage<T extends { nextCursor: string | null }>({ nextCursor, ...page }: T): Omit<T, 'nextCursor'> & { next: string | null } {
  return { ...page, next: nextCursor };
}
