import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '@/lib/errors';
import { parseArgs, parseInput } from './parse';
import { ZAuditRetentionInput } from './audit-retention';
import { enteredValue } from './secret-value';
import { actionId } from './ids';

const errorOf = (work: () => unknown): InputError => {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError');
};

const ZForm = z.object({ name: z.string().min(1, 'Enter a name'), when: z.iso.date().transform((d) => new Date(d)) });
const ZRef = actionId('This no longer exists.');

describe('parseArgs (server action arguments)', () => {
  it('gives a form argument its field errors by field name, as parseInput does', () => {
    const single = errorOf(() => parseArgs(ZForm, { name: '', when: '2026-01-01' }));
    const asData = errorOf(() => parseInput(ZForm, { name: '', when: '2026-01-01' }));
    expect(single.fieldErrors).toEqual({ name: ['Enter a name'] });
    expect(single.message).toBe(asData.message);
    const tuple = errorOf(() => parseArgs(z.tuple([ZRef, ZForm]), ['id-1', { name: '', when: '2026-01-01' }]));
    expect(tuple.fieldErrors).toEqual({ name: ['Enter a name'] });
  });

  it("says an id argument's own message", () => {
    const error = errorOf(() => parseArgs(z.tuple([ZRef, ZForm]), [42, { name: 'a', when: '2026-01-01' }]));
    expect(error.message).toBe('This no longer exists.');
    expect(error.fieldErrors).toEqual({});
  });

  it('lets the data layer take the parsed form without parsing its own output again', () => {
    const [, form] = parseArgs(z.tuple([ZRef, ZForm]), ['id-1', { name: 'a', when: '2026-01-01' }]);
    expect(form.when).toBeInstanceOf(Date);
    // Parsing a Date with ZForm would fail: the data layer gets the same object back.
    expect(parseInput(ZForm, form)).toBe(form);
    // A reshaping transform (retention drops `keep`) passes through the same way.
    const retention = parseArgs(ZAuditRetentionInput, { keep: 'days', retentionDays: '400' });
    expect(parseInput(ZAuditRetentionInput, retention)).toEqual({ retentionDays: 400, expectedUpdatedAt: undefined });
  });

  it('still parses an object it did not produce', () => {
    const copy = { ...parseArgs(ZForm, { name: 'a', when: '2026-01-01' }) };
    expect(() => parseInput(ZForm, copy)).toThrow(InputError);
  });
});

describe('enteredValue', () => {
  it("reads a form's value without parsing it", () => {
    expect(enteredValue({ value: 'hunter2', mode: 'enter' })).toBe('hunter2');
    expect(enteredValue({ mode: 'enter' })).toBeUndefined();
    expect(enteredValue('hunter2')).toBeUndefined();
    expect(enteredValue(null)).toBeUndefined();
  });
});
