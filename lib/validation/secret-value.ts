// Input rules for writing a value (Secrets Management tab). The value itself is not
// parsed by zod: it is wrapped in a SecretValue the moment it arrives and checked by
// checkEnteredValue, whose messages never quote it.
import { z } from 'zod';
import { InputError } from '@/lib/errors';
import { ALPHABET_NAMES, GENERATED_LENGTH } from '@/lib/values/alphabets';

const ZNote = z.string().trim().max(500, 'Keep the change note under 500 characters').default('');

const ZToken = z.uuid('The form is out of date: reload the page and submit again');

export const ZValueWrite = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('enter'), note: ZNote, idempotencyToken: ZToken }),
    z.object({
      mode: z.literal('generate'),
      note: ZNote,
      idempotencyToken: ZToken,
      alphabet: z.enum(ALPHABET_NAMES, 'Choose one of the offered alphabets'),
      length: z.coerce
        .number({ message: 'Enter a whole number of characters' })
        .int('Enter a whole number of characters')
        .min(GENERATED_LENGTH.min, `Use at least ${GENERATED_LENGTH.min} characters`)
        .max(GENERATED_LENGTH.max, `Use at most ${GENERATED_LENGTH.max} characters`),
    }),
  ],
  { error: 'Choose whether to enter or generate the value' },
);
export type TValueWrite = z.infer<typeof ZValueWrite>;

/** What a person may do to a version: enable or disable an old one (GCP, local), or make
 *  the previous one current again (AWS). No label strings: AWSPENDING and other labels
 *  move only inside a rotation (lib/values/write-service.ts). */
export const ZVersionChange = z.strictObject({
  change: z.enum(['enable', 'disable', 'make_current'], 'Choose enable, disable or make current'),
  versionId: z.string().min(1).max(128),
});
export type TVersionChange = z.infer<typeof ZVersionChange>;

export const MAX_VALUE_BYTES = 64 * 1024;

/** Checks an entered value's shape; messages describe the problem, never the value. */
export function checkEnteredValue(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new InputError('Enter a value, or choose Generate.', { value: ['Enter a value'] });
  }
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new InputError('The value is too large.', {
      value: [`Values can be at most 64 KiB; this one is ${Math.ceil(bytes / 1024)} KiB`],
    });
  }
  return raw;
}

/**
 * The `value` field of an action's form, read without parsing it: a value never goes
 * through zod (whose issues and results could carry it) and is handed to the data layer
 * as-is, which wraps it in a SecretValue at once and checks it with checkEnteredValue.
 */
export function enteredValue(input: unknown): unknown {
  return typeof input === 'object' && input !== null && 'value' in input ? input.value : undefined;
}
