'use server';
// The Secrets Management tab's actions. The value arrives in `input.value`: it is not part
// of the declared input (zod never sees it), is read with enteredValue and handed to the
// data layer as-is (it wraps it in a SecretValue at once), and is never returned: results
// carry the provider's version id, a time, a warning and the next form token.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { changeSecretVersion, writeSecretValue } from '@/lib/data/secret-values';
import { ZSecretRef } from '@/lib/validation/secret';
import { enteredValue, ZValueWrite, ZVersionChange } from '@/lib/validation/secret-value';

export async function writeSecretValueAction(secretId: unknown, input: unknown) {
  return runAction(z.tuple([ZSecretRef, ZValueWrite]), [secretId, input], async (caller, [id, fields]) => {
    const written = await writeSecretValue(caller, id, fields, enteredValue(input));
    return { ...written, nextToken: randomUUID() };
  });
}

export async function changeSecretVersionAction(secretId: unknown, input: unknown) {
  return runAction(z.tuple([ZSecretRef, ZVersionChange]), [secretId, input], (caller, [id, change]) => changeSecretVersion(caller, id, change));
}
