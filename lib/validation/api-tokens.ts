// Input rules for access tokens (lib/data/api-tokens.ts): a name to recognise the token
// by, what it may be used for, and how long it lives (1 to 365 days: no token lives forever).
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
});
export type TApiTokenCreate = z.infer<typeof ZApiTokenCreate>;

export const ZApiTokenId = actionId('This token does not exist.');
