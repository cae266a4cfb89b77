// Where else a value (by its keyed fingerprint) was written through the dashboard: the
// same secret name in another environment is refused (each environment needs its own
// value), any other secret earns a warning. Any recorded version counts.
import 'server-only';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';

export type ValueReuse = { otherSecrets: number };

export async function checkedReuse(
  secret: { id: string; name: string; environment: string },
  fingerprint: Uint8Array<ArrayBuffer>,
): Promise<ValueReuse> {
  const rows = await db.$queryRaw<{ name: string; environment: string }[]>`
    SELECT DISTINCT s.id, s.name, e.name AS environment
    FROM secret_versions v
    JOIN secrets s ON s.id = v.secret_id
    JOIN environments e ON e.id = s.environment_id
    WHERE v.fingerprint = ${fingerprint} AND s.id <> ${secret.id}::uuid`;
  const otherEnvironments = [
    ...new Set(rows.filter((r) => r.name === secret.name && r.environment !== secret.environment).map((r) => r.environment)),
  ].sort();
  if (otherEnvironments.length) {
    throw new InputError(
      `This value is already used by ${secret.name} in ${otherEnvironments.join(', ')}. Each environment needs its own value.`,
      { value: ['Already used by the same secret in another environment'] },
    );
  }
  return { otherSecrets: rows.length };
}

export function reuseWarning(otherSecrets: number): string | null {
  return otherSecrets
    ? `Saved, but the same value is also used by ${otherSecrets} other secret${otherSecrets === 1 ? '' : 's'}. Consider a unique value.`
    : null;
}
