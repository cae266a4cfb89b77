// Input rules for the database host allowlist (Settings -> Database hosts): a host name or
// an IP address, compared lower-case without a trailing dot or IPv6 brackets.
import { isIP } from 'node:net';
import { z } from 'zod';

export function normalizeDatabaseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const ZDatabaseHostInput = z.object({
  host: z
    .string({ message: 'Enter a host name or IP address' })
    .transform(normalizeDatabaseHost)
    .refine((h) => isIP(h) !== 0 || HOST_NAME.test(h), 'Enter a host name (db.example.com) or an IP address, without port or scheme'),
  allowInsecureTls: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
  note: z.string().trim().max(200, 'Keep the note under 200 characters').default(''),
});
export type TDatabaseHostInput = z.infer<typeof ZDatabaseHostInput>;
