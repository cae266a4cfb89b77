// The Unmanaged view (cloud secrets no inventory entry references) as it lives in the URL,
// the ignore form, and the mapping rules of a bulk adoption. Unknown or malformed list
// parameters fall back to defaults; the forms' inputs fail with field errors.
import { z } from 'zod';
import { actionId } from './ids';
import { afterCursor, firstValues, listHref, loose, searchText, type SearchParams } from './list-url';
import { CLASSIFICATIONS } from './secret';

export const UNMANAGED_PAGE_SIZE = 50;
/** One adoption writes at most this many secrets (one transaction, like a CSV import). */
export const MAX_ADOPT_ROWS = 5000;

export const UNMANAGED_STATES = ['active', 'deletion_scheduled', 'ignored'] as const;
export type UnmanagedState = (typeof UNMANAGED_STATES)[number];

/** `label=team` (has the key) or `label=team:payments` (key with that value). */
const labelFilter = loose(
  z
    .string()
    .trim()
    .max(300)
    .regex(/^[^:]+(:.*)?$/)
    .transform((s) => {
      const at = s.indexOf(':');
      return at < 0 ? { key: s, value: undefined } : { key: s.slice(0, at).trim(), value: s.slice(at + 1).trim() };
    }),
);

export const ZUnmanagedQuery = z.object({
  q: searchText,
  connection: loose(z.uuid()),
  label: labelFilter,
  state: loose(z.enum(UNMANAGED_STATES)),
  after: afterCursor,
});

export type TUnmanagedQuery = z.infer<typeof ZUnmanagedQuery>;
/** The filters of the view without its page: what an adoption takes. */
export type TUnmanagedFilter = Omit<TUnmanagedQuery, 'after'>;

export function parseUnmanagedQuery(params: SearchParams): TUnmanagedQuery {
  return ZUnmanagedQuery.parse(firstValues(params));
}

/** The URL params of a view (the label filter written back as `key` or `key:value`). */
export function unmanagedParams(query: Partial<TUnmanagedQuery>): Record<string, string | undefined> {
  const label = query.label ? (query.label.value === undefined ? query.label.key : `${query.label.key}:${query.label.value}`) : undefined;
  return { q: query.q, connection: query.connection, label, state: query.state, after: query.after };
}

export function unmanagedHref(query: Partial<TUnmanagedQuery>, path = '/discovery'): string {
  return listHref(path, unmanagedParams(query));
}

// ---------------------------------------------------------------------------
// Ignoring

export const ZDiscoveredId = actionId('This cloud secret is no longer in the discovery results.');

export const ZIgnoreInput = z.object({
  reason: z
    .string({ error: 'Say why this secret is not managed here' })
    .trim()
    .min(3, { error: 'Say why this secret is not managed here (at least 3 characters)' })
    .max(500, { error: 'Keep the reason under 500 characters' }),
});

// ---------------------------------------------------------------------------
// Adoption rules

const LABEL_KEY = /^[\p{L}\p{N}_.:/=+\-@ ]{1,128}$/u;
const labelKey = z
  .string()
  .trim()
  .max(128, { error: 'A tag or label key has at most 128 characters' })
  .refine((k) => k === '' || LABEL_KEY.test(k), { error: 'Use a tag or label key as the provider shows it (letters, digits, _ . : / = + - @)' })
  .transform((k) => k || undefined)
  .optional();
const fallbackId = z
  .string()
  .trim()
  .max(100)
  .transform((v) => v || undefined)
  .optional();

/** Fields a name pattern may set. */
export const PATTERN_FIELDS = ['team', 'environment', 'classification', 'systems'] as const;
export type PatternField = (typeof PATTERN_FIELDS)[number];
export type NamePattern = { line: number; glob: string; set: Partial<Record<PatternField, string>> };

const MAX_PATTERNS = 50;

/**
 * Name patterns, one per line: `<glob> => field=value, field=value`, e.g.
 * `prod/payments/* => team=Payments, environment=production`. `*` matches any run of
 * characters, `?` one. Blank lines and lines starting with # are skipped.
 */
export function parseNamePatterns(text: string): { patterns: NamePattern[]; problems: string[] } {
  const patterns: NamePattern[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const s = raw.trim();
    if (!s || s.startsWith('#')) return;
    const arrow = s.indexOf('=>');
    if (arrow < 0) return void problems.push(`Line ${line}: write a pattern, then =>, then what it sets (team=…, environment=…)`);
    const glob = s.slice(0, arrow).trim();
    if (!glob || glob.length > 300) return void problems.push(`Line ${line}: the pattern before => is empty or longer than 300 characters`);
    const set: Partial<Record<PatternField, string>> = {};
    for (const part of s
      .slice(arrow + 2)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const eq = part.indexOf('=');
      const field = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
      const value = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (!(PATTERN_FIELDS as readonly string[]).includes(field)) {
        problems.push(`Line ${line}: "${field.slice(0, 40)}" is not one of ${PATTERN_FIELDS.join(', ')}`);
      } else if (!value || value.length > 200) {
        problems.push(`Line ${line}: give ${field} a value (up to 200 characters)`);
      } else {
        // Several systems are separated by ";" or "+" (a comma ends the assignment).
        set[field as PatternField] = value;
      }
    }
    if (Object.keys(set).length === 0 && problems.every((p) => !p.startsWith(`Line ${line}:`))) {
      problems.push(`Line ${line}: say what the pattern sets after =>`);
    }
    patterns.push({ line, glob, set });
  });
  if (patterns.length > MAX_PATTERNS) problems.push(`Use at most ${MAX_PATTERNS} patterns`);
  return { patterns, problems };
}

/** A glob of the name patterns as a whole-name regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export const ZAdoptionRules = z
  .object({
    teamLabel: labelKey,
    teamFallback: fallbackId,
    environmentLabel: labelKey,
    environmentFallback: fallbackId,
    classificationLabel: labelKey,
    classificationFallback: z
      .enum(CLASSIFICATIONS, { error: 'Choose a classification' })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    systemsLabel: labelKey,
    namePatterns: z.string().max(20_000, { error: 'Keep the name patterns under 20,000 characters' }).default(''),
    rotationIntervalDays: z
      .union([z.literal('').transform(() => undefined), z.coerce.number().int().min(1).max(3650)], {
        error: 'A whole number of days from 1 to 3650, or empty',
      })
      .optional(),
  })
  .superRefine((rules, ctx) => {
    const { problems } = parseNamePatterns(rules.namePatterns);
    for (const message of problems.slice(0, 10)) ctx.addIssue({ code: 'custom', path: ['namePatterns'], message });
  });

export type TAdoptionRules = z.output<typeof ZAdoptionRules>;

/** What the adoption actions take: the view's filters (as its URL params) and the rules. */
export const ZAdoptionFilter = z.record(z.string().max(40), z.string().max(500).optional()).transform((params) => {
  const { after: _after, ...filter } = parseUnmanagedQuery(params);
  return filter satisfies TUnmanagedFilter;
});

/** Ties a commit to the preview it was shown: the ids and rules the preview planned. */
export const ZPlanDigest = z.string().regex(/^[0-9a-f]{64}$/, { error: 'Preview the adoption again.' });
