// Input rules for access tokens (lib/data/api-tokens.ts, lib/data/service-tokens.ts): a name
// to recognise the token by, what it may be used for, how long it lives (1 to 365 days: no
// token lives forever), optionally its own rate limit, and for a team's service token the role
// it acts with (never administrator).
import { z } from 'zod';
import { actionId } from './ids';

/**
 * What a token may be used for. A token call is narrowed to its scopes in the data layer:
 * authorize() refuses a permission no scope of the token grants (lib/auth/token-scopes.ts).
 */
export const API_SCOPES = ['secrets:read', 'secrets:write', 'values:write', 'rotation:run', 'audit:read', 'metrics:read', 'leak-check'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'secrets:read': 'Read the inventory, teams, systems and rotation status',
  'secrets:write': 'Create, edit and decommission secrets, teams and systems',
  'values:write': 'Write secret values to the provider',
  'rotation:run': 'Start rotations',
  'audit:read': 'Read and export the audit trail and access history',
  'metrics:read': 'Read Prometheus metrics (/api/metrics)',
  'leak-check': 'Leak check (npm run leak-check)',
};

export const MIN_TOKEN_DAYS = 1;
export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 30;
/** Live (neither revoked nor expired) tokens one user may hold at once. */
export const MAX_LIVE_TOKENS_PER_USER = 20;
/** Live service tokens one team may hold at once. */
export const MAX_LIVE_TOKENS_PER_TEAM = 20;
export const MAX_RATE_LIMIT_PER_MINUTE = 100_000;

/** The roles a service token may act with: a team's machine never administers the dashboard. */
export const SERVICE_TOKEN_ROLES = ['viewer', 'engineer', 'auditor'] as const;
export type ServiceTokenRole = (typeof SERVICE_TOKEN_ROLES)[number];

export const ZApiTokenCreate = z.object({
  name: z.string({ message: 'Name the token' }).trim().min(1, 'Name the token, e.g. the machine or job that will use it').max(80, 'At most 80 characters'),
  // A checkbox group sends one string or several.
  scopes: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z
      .array(z.enum(API_SCOPES, { message: 'Choose what the token may be used for' }), { message: 'Choose what the token may be used for' })
      .min(1, 'Choose what the token may be used for')
      .transform((scopes) => [...new Set(scopes)]),
  ),
  expiresInDays: z.coerce
    .number({ message: 'Enter a whole number of days' })
    .int('Enter a whole number of days')
    .min(MIN_TOKEN_DAYS, `At least ${MIN_TOKEN_DAYS} day`)
    .max(MAX_TOKEN_DAYS, `At most ${MAX_TOKEN_DAYS} days`),
  // Empty: the server's default (API_RATE_LIMIT_PER_MINUTE).
  rateLimitPerMinute: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.coerce
      .number({ message: 'Enter a whole number of requests' })
      .int('Enter a whole number of requests')
      .min(1, 'At least 1 request a minute')
      .max(MAX_RATE_LIMIT_PER_MINUTE, `At most ${MAX_RATE_LIMIT_PER_MINUTE.toLocaleString('en-US')} requests a minute`)
      .optional(),
  ),
});
export type TApiTokenCreate = z.infer<typeof ZApiTokenCreate>;

export const ZServiceTokenCreate = ZApiTokenCreate.extend({
  role: z.enum(SERVICE_TOKEN_ROLES, { message: 'Choose the role the token acts with' }),
});
export type TServiceTokenCreate = z.infer<typeof ZServiceTokenCreate>;

export const ZApiTokenId = actionId('This token does not exist.');
