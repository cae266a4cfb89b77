'use server';
// The Secrets Management tab's actions. The value arrives in `input.value`, is handed to
// the data layer as-is (it wraps it in a SecretValue at once) and is never returned:
// results carry the provider's version id, a time, a warning and the next form token.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { runAction, type ActionFailure } from '@/lib/action';
import { changeSecretVersion, writeSecretValue } from '@/lib/data/secret-values';

const ZId = z.string().min(1).max(100);
const UNKNOWN_SECRET: ActionFailure = { ok: false, error: 'This secret does not exist.' };

export async function writeSecretValueAction(secretId: unknown, input: unknown) {
  const id = ZId.safeParse(secretId);
  if (!id.success) return UNKNOWN_SECRET;
  const { value, ...fields } = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  return runAction(async (caller) => {
    const written = await writeSecretValue(caller, id.data, fields, value);
    return { ...written, nextToken: randomUUID() };
  });
}

export async function changeSecretVersionAction(secretId: unknown, input: unknown) {
  const id = ZId.safeParse(secretId);
  if (!id.success) return UNKNOWN_SECRET;
  return runAction((caller) => changeSecretVersion(caller, id.data, input));
}
