// Input rules for the reference data the inventory points at: teams and systems.
// Form schemas (strict, one message per field) and list queries as they live in the
// URL (loose: anything malformed falls back to a default instead of failing the page).
import { z } from 'zod';
import { singleLineName } from './form-fields';
import { afterCursor, firstValues, listHref, loose, searchText, type SearchParams } from './list-url';
import { blankToUndefined } from './parse';
import { APPLICATION_PRINCIPAL_PREFIX } from './principals';

export const SYSTEM_STATUSES = ['active', 'decommissioned'] as const;
export type TSystemStatus = (typeof SYSTEM_STATUSES)[number];

const description = z
  .preprocess((v) => (v === null || v === undefined ? '' : v), z.string({ message: 'Enter text' }))
  .pipe(z.string().trim().max(1000, 'The description is at most 1000 characters'));

/** updatedAt the editor saw; a mismatch means someone else saved in between. */
const expectedUpdatedAt = z.preprocess(blankToUndefined, z.iso.datetime().optional());

export const ZTeamInput = z.object({
  name: singleLineName(100),
  description,
  expectedUpdatedAt,
});
export type TTeamInput = z.infer<typeof ZTeamInput>;

// Identities a system reads secrets as, one per line (or comma-separated): IAM user/role
// ARNs or service-account emails (access history matches logged principals against these,
// lib/data/access-history.ts; without any it falls back to the name), and for database
// credentials rotated with alternating users what the database's session list shows of it:
// its client address, or app:<application name> (lib/rotation/adoption/database-evidence.ts).
const CLOUD_PRINCIPAL_RE = /^(arn:aws(?:-cn|-us-gov)?:(?:iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/-]{1,1900}|[^@\s]{1,200}@[A-Za-z0-9.-]{1,255})$/;
// PostgreSQL keeps 63 bytes of an application_name, printable ASCII.
const APPLICATION_PRINCIPAL_RE = new RegExp(`^${APPLICATION_PRINCIPAL_PREFIX}[\\x21-\\x7e][\\x20-\\x7e]{0,62}$`);
const isPrincipal = (v: string) =>
  CLOUD_PRINCIPAL_RE.test(v) || APPLICATION_PRINCIPAL_RE.test(v) || z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success;
const principals = z.preprocess(
  (v) => {
    if (v === undefined || v === null) return [];
    const parts = Array.isArray(v) ? v : String(v).split(/[\n,]/);
    return [...new Set(parts.map((p) => String(p).trim()).filter(Boolean))];
  },
  z
    .array(
      z
        .string()
        .refine(
          isPrincipal,
          'Each identity is an IAM ARN (arn:aws:iam::123456789012:role/name), a service-account email, a database client address (10.0.0.5) or app:<application name>',
        ),
    )
    .max(20, 'At most 20 principals'),
);

// A CSV cell lists several systems separated by ";" or "," (lib/export/csv/inventory-columns.ts),
// so a name holding either could never be imported or exported as itself.
const NO_LIST_SEPARATOR_RE = /^[^;,]*$/;

export const ZSystemInput = z.object({
  name: singleLineName(200).regex(NO_LIST_SEPARATOR_RE, 'System names cannot contain "," or ";": they separate systems in a CSV file'),
  description,
  principals,
  ownerTeamId: z.uuid({ message: 'Choose the owning team' }),
  status: z.preprocess(blankToUndefined, z.enum(SYSTEM_STATUSES, { message: 'Choose a status' }).default('active')),
  expectedUpdatedAt,
});
export type TSystemInput = z.infer<typeof ZSystemInput>;

export const ZSystemStatusChange = z.object({
  status: z.enum(SYSTEM_STATUSES, { message: 'Choose a status' }),
});

// Team membership (administrators): a member is named by the email of an existing account.
export const ZTeamMemberAdd = z.object({
  email: z
    .string({ message: 'Enter the email of an existing account' })
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'Enter the email of an existing account' })),
});
export const ZTeamMemberRemove = z.object({ userId: z.uuid({ message: 'This member does not exist.' }) });

/** Ids passed to actions; a malformed one reads as "no such record". */
export const ZTeamId = z.uuid({ message: 'This team does not exist.' });
export const ZSystemId = z.uuid({ message: 'This system does not exist.' });

// ---------------------------------------------------------------------------
// List queries (URL state)

const listBase = {
  q: searchText,
  // Page size is not offered in the UI; tests and links may still ask for one.
  size: z.coerce.number().int().min(1).max(100).catch(50).default(50),
  after: afterCursor,
};

export const ZTeamListQuery = z.object(listBase);
export type TTeamListQuery = z.infer<typeof ZTeamListQuery>;

export const ZSystemListQuery = z.object({
  ...listBase,
  owner: loose(z.uuid()),
  status: loose(z.enum(SYSTEM_STATUSES)),
});
export type TSystemListQuery = z.infer<typeof ZSystemListQuery>;

export function parseTeamListQuery(params: SearchParams): TTeamListQuery {
  return ZTeamListQuery.parse(firstValues(params));
}

export function parseSystemListQuery(params: SearchParams): TSystemListQuery {
  return ZSystemListQuery.parse(firstValues(params));
}

/** A list URL for `query`, leaving out defaults so links stay short and shareable. */
export function catalogListHref(path: string, query: Record<string, string | number | undefined | null>): string {
  return listHref(path, query, { size: 50 });
}
