import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '@/lib/errors';
import { accessQueryForAudit, parseAccessExportQuery } from './access-export';
import { parseAuditListQuery } from './audit-list';

describe('parseAccessExportQuery', () => {
  it('keeps well-formed filters, trimmed; blanks and other parameters are not filters', () => {
    const secret = randomUUID();
    expect(
      parseAccessExportQuery({
        from: '2026-03-01',
        to: '2026-03-31T12:00:00Z',
        environment: ' production ',
        secret,
        principal: 'arn:aws:iam::1:role/app',
        action: 'GetSecretValue',
      }),
    ).toEqual({
      from: '2026-03-01',
      to: '2026-03-31T12:00:00Z',
      environment: 'production',
      secret,
      principal: 'arn:aws:iam::1:role/app',
      action: 'GetSecretValue',
    });
    expect(parseAccessExportQuery({ from: '', secret: ' ', format: 'csv', after: 'x' })).toEqual({});
  });

  it('refuses a malformed filter with a message naming it', () => {
    expect(() => parseAccessExportQuery({ from: 'last tuesday' })).toThrow(InputError);
    expect(() => parseAccessExportQuery({ from: 'last tuesday' })).toThrow('Check the export filters. from: Use a date (YYYY-MM-DD) or an ISO time.');
    expect(() => parseAccessExportQuery({ to: '2026-02-30T25:00' })).toThrow('to: Use a date (YYYY-MM-DD) or an ISO time.');
    expect(() => parseAccessExportQuery({ secret: 'db-password' })).toThrow('secret: Use a secret id (a UUID).');
    expect(() => parseAccessExportQuery({ action: 'Get Secret; DROP' })).toThrow('action: Use a provider event name such as GetSecretValue.');
    expect(() => parseAccessExportQuery({ principal: 'x'.repeat(2049) })).toThrow('principal: At most 2048 characters.');
    expect(() => parseAccessExportQuery({ from: '2026-04-02', to: '2026-04-01' })).toThrow('to: Must not be before "from".');
    // The same day on both ends is one whole day.
    expect(parseAccessExportQuery({ from: '2026-04-01', to: '2026-04-01' })).toEqual({ from: '2026-04-01', to: '2026-04-01' });
  });
});

describe('accessQueryForAudit (the evidence bundle)', () => {
  it('keeps time range and environment, selects the target secret, and drops what has no counterpart', () => {
    const id = randomUUID();
    expect(accessQueryForAudit(parseAuditListQuery({ targetId: id }))).toEqual({ secret: id });
    expect(
      accessQueryForAudit(parseAuditListQuery({ targetType: 'secret', targetId: id, actor: 'a@b.test', action: 'secret.update', outcome: 'denied' })),
    ).toEqual({ secret: id });
    // A target of another kind does not narrow the access events.
    expect(
      accessQueryForAudit(parseAuditListQuery({ targetType: 'user', targetId: id, environment: 'staging', from: '2026-04-01', to: '2026-05-01' })),
    ).toEqual({
      environment: 'staging',
      from: '2026-04-01',
      to: '2026-05-01',
    });
  });
});
