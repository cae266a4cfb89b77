import { describe, expect, it } from 'vitest';
import { InputError } from '@/lib/errors';
import { checkAuditListQuery, isRangeBound, parseAuditListQuery, rangeEnd, rangeStart } from './audit-list';
import { parseExportFormat } from './export-format';

describe('isRangeBound', () => {
  it('accepts days and ISO times whose every field exists', () => {
    for (const s of ['2026-02-28', '2024-02-29', '2026-03-01T12:00', '2026-03-01T12:00:00Z', '2026-03-01T12:00:00.123+02:00', '2026-03-01T23:59:59-0500']) {
      expect(isRangeBound(s), s).toBe(true);
    }
  });

  it('refuses days that do not exist (which date parsing rolls into the next month) and loose text', () => {
    for (const s of [
      '2026-02-30',
      '2026-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-03-01T24:00:00Z',
      '2026-03-01T12:60',
      'notadate',
      'T 2026',
      'Tuesday 3 March 2026',
      '2026-3-1',
    ]) {
      expect(isRangeBound(s), s).toBe(false);
    }
  });

  it('reads a time without an offset as UTC, like the page', () => {
    expect(rangeStart('2026-03-01T12:00').toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(rangeEnd('2026-03-01').toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(rangeEnd('2026-03-01T12:00:00+01:00').toISOString()).toBe('2026-03-01T11:00:00.000Z');
  });
});

describe('parseAuditListQuery', () => {
  it('keeps well-formed filters, trimmed; blanks and other parameters are not filters', () => {
    expect(parseAuditListQuery({ actor: ' alice ', outcome: 'denied', from: '2026-03-01', to: '', action: '', format: 'xml', targetType: 'secret' })).toEqual({
      actor: 'alice',
      outcome: 'denied',
      from: '2026-03-01',
      targetType: 'secret',
    });
  });

  it('refuses each malformed filter by name instead of dropping it', () => {
    expect(() => parseAuditListQuery({ from: '2026-02-30' })).toThrow(InputError);
    expect(() => parseAuditListQuery({ from: '2026-02-30' })).toThrow('Check the audit filters. from: Use a date (YYYY-MM-DD) or an ISO time.');
    expect(() => parseAuditListQuery({ to: 'garbage' })).toThrow('to: Use a date (YYYY-MM-DD) or an ISO time.');
    expect(() => parseAuditListQuery({ outcome: 'bogus' })).toThrow('outcome: Use success, denied or failed.');
    expect(() => parseAuditListQuery({ action: 'drop table' })).toThrow('action: Use an action name such as secret.update.');
    expect(() => parseAuditListQuery({ environment: 'e'.repeat(101) })).toThrow('environment: At most 100 characters.');
    expect(() => parseAuditListQuery({ from: '2026-04-02', to: '2026-04-01' })).toThrow('to: Must not be before "from".');
    expect(checkAuditListQuery({ from: '2026-02-30', outcome: 'bogus' })).toEqual({
      ok: false,
      fieldErrors: { from: 'Use a date (YYYY-MM-DD) or an ISO time.', outcome: 'Use success, denied or failed.' },
    });
  });

  it('a page cursor that does not decode is not an error (it means the newest page)', () => {
    expect(parseAuditListQuery({ after: 'x'.repeat(500) })).toEqual({});
  });
});

describe('parseExportFormat', () => {
  it('is csv or jsonl (csv when not given), anything else refused by name', () => {
    expect(parseExportFormat(undefined)).toBe('csv');
    expect(parseExportFormat('jsonl')).toBe('jsonl');
    expect(() => parseExportFormat('xml')).toThrow('Check the export format. format: Use csv or jsonl.');
  });
});
