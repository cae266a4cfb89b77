// Where else a value (by its keyed fingerprint) was written through the dashboard: the
// same secret name in another environment is refused (each environment needs its own
// value), any other secret earns a warning. Any recorded version counts, under every
// configured pepper (lib/values/fingerprint.ts): a row whose key id is null (written before
// key ids) matches under any key, a row with a key id only under its own.
//
// A refusal says "this value is the one secret X uses", so it is an oracle: an engineer
// could confirm guesses of another environment's value by submitting them. Refusals are
// therefore audited (never with the value) and limited per user and hour; once the limit
// is reached, every value write by that user is refused until the hour has passed, before
// any comparison, so the refusals stop telling anything.
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { Prisma } from '@/generated/prisma/client';
import { recordAudit } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db, pgPool } from '@/lib/db';
import { AuditedInputError } from '@/lib/errors';
import type { SecretValue } from '@/lib/secret-value';
import { fingerprintKeys, fingerprintWith } from './fingerprint';

export type ValueReuse = { otherSecrets: number };

/** Refused reuses a user may have in an hour before their value writes pause. */
export const REUSE_REFUSALS_PER_HOUR = 5;

let refusals: RateLimiterPostgres | undefined;
// Created on first use: the pool (and DATABASE_URL) may not exist at import time.
const refusalCounter = () =>
  (refusals ??= new RateLimiterPostgres({
    storeClient: pgPool(),
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: 'value_reuse_refusals',
    points: REUSE_REFUSALS_PER_HOUR,
    duration: 3600,
  }));

type Target = { id: string; name: string; environment: string };

export async function checkedReuse(caller: Caller, action: string, secret: Target, value: SecretValue): Promise<ValueReuse> {
  const userKey = caller.user?.id ?? 'worker';
  const audit = { action, targetType: 'secret', targetId: secret.id, environment: secret.environment, outcome: 'denied' } as const;
  const used = await refusalCounter().get(userKey);
  if (used && used.consumedPoints >= REUSE_REFUSALS_PER_HOUR) {
    await recordAudit(db, caller, { ...audit, detail: { reason: 'value_reuse_refusals_limited', limitPerHour: REUSE_REFUSALS_PER_HOUR } });
    const minutes = Math.max(1, Math.ceil(used.msBeforeNext / 60_000));
    throw new AuditedInputError(
      `${REUSE_REFUSALS_PER_HOUR} of your values were refused in the last hour for being used elsewhere, so value writes are paused for you for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    );
  }

  const matches = fingerprintKeys().map(
    (key) => Prisma.sql`(v.fingerprint = ${fingerprintWith(key, value.reveal())} AND (v.fingerprint_key_id IS NULL OR v.fingerprint_key_id = ${key.id}))`,
  );
  const rows = await db.$queryRaw<{ name: string; environment: string }[]>`
    SELECT DISTINCT s.id, s.name, e.name AS environment
    FROM secret_versions v
    JOIN secrets s ON s.id = v.secret_id
    JOIN environments e ON e.id = s.environment_id
    WHERE (${Prisma.join(matches, ' OR ')}) AND s.id <> ${secret.id}::uuid`;
  const otherEnvironments = [...new Set(rows.filter((r) => r.name === secret.name && r.environment !== secret.environment).map((r) => r.environment))].sort();
  if (otherEnvironments.length) {
    await refusalCounter()
      .consume(userKey)
      .catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e; // "now at the limit": the next write is paused
      });
    await recordAudit(db, caller, { ...audit, detail: { reason: 'value_reused', usedIn: otherEnvironments.join(',') } });
    throw new AuditedInputError(`This value is already used by ${secret.name} in ${otherEnvironments.join(', ')}. Each environment needs its own value.`, {
      value: ['Already used by the same secret in another environment'],
    });
  }
  return { otherSecrets: rows.length };
}

export function reuseWarning(otherSecrets: number): string | null {
  return otherSecrets
    ? `Saved, but the same value is also used by ${otherSecrets} other secret${otherSecrets === 1 ? '' : 's'}. Consider a unique value.`
    : null;
}
