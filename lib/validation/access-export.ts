// The filters of a provider access-history export (GET /api/export/access and the export
// forms). As with the audit trail's filters, a malformed filter is refused with a message
// naming it: silently dropping it would export more events than the auditor asked for.
// Blank values mean "not given" (empty form fields).
import { z } from 'zod';
import { InputError } from '@/lib/errors';
import { ZRangeBound as rangeBound, rangeEnd, rangeStart, type TAuditListQuery } from './audit-list';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

export const ZAccessExportQuery = z
  .object({
    from: optional(rangeBound),
    to: optional(rangeBound),
    /** The environment of the inventory secret an event is linked to (e.g. production). */
    environment: optional(z.string().trim().max(100, 'At most 100 characters.')),
    /** An inventory secret's id: that secret's events. */
    secret: optional(z.string().trim().pipe(z.guid('Use a secret id (a UUID).'))),
    /** The principal exactly as the provider logged it (IAM ARN, service-account email). */
    principal: optional(z.string().trim().max(2048, 'At most 2048 characters.')),
    /** The provider's event name: GetSecretValue, PutSecretValue, AccessSecretVersion... */
    action: optional(
      z
        .string()
        .trim()
        .max(100, 'At most 100 characters.')
        .regex(/^[A-Za-z][A-Za-z0-9]*$/, 'Use a provider event name such as GetSecretValue.'),
    ),
  })
  .refine((q) => !q.from || !q.to || rangeStart(q.from) < rangeEnd(q.to), { path: ['to'], error: 'Must not be before "from".' });

export type TAccessExportQuery = z.infer<typeof ZAccessExportQuery>;

export const ACCESS_EXPORT_FILTERS = ['from', 'to', 'environment', 'secret', 'principal', 'action'] as const;

/** Parses the export's query parameters, or throws an InputError naming each bad filter. */
export function parseAccessExportQuery(params: Record<string, string | undefined>): TAccessExportQuery {
  const picked = Object.fromEntries(ACCESS_EXPORT_FILTERS.map((k) => [k, params[k]]));
  const result = ZAccessExportQuery.safeParse(picked);
  if (result.success) return result.data;
  const fieldErrors = z.flattenError(result.error).fieldErrors as Record<string, string[]>;
  const message = Object.entries(fieldErrors)
    .map(([field, errors]) => `${field}: ${errors[0]}`)
    .join(' ');
  throw new InputError(`Check the export filters. ${message}`, fieldErrors);
}

/**
 * The access events that belong with an audit-trail selection (the evidence bundle): the
 * same time range and environment, and the secret when the audit filters target one
 * (a target id whose type is "secret" or not given). Actor, action and outcome describe
 * dashboard users' actions and have no counterpart in the provider's logs.
 */
export function accessQueryForAudit(query: TAuditListQuery): TAccessExportQuery {
  const targetsSecret = query.targetId !== undefined && (query.targetType === undefined || query.targetType === 'secret');
  return {
    from: query.from,
    to: query.to,
    environment: query.environment,
    secret: targetsSecret ? query.targetId : undefined,
  };
}
