import { describe, expect, it } from 'vitest';
import { decisionText, evidenceText, namesText } from './adoption-words';

const NOW = new Date('2026-12-07T12:00:00Z');

describe('evidenceText', () => {
  it('says what a provider read shows: the version, who, when and from where', () => {
    expect(
      evidenceText(
        { principal: 'arn:aws:iam::123456789012:role/orders', versionStage: 'AWSCURRENT', at: '2026-12-07T10:02:11Z', sourceAddress: '10.0.0.5' },
        NOW,
      ),
    ).toBe('read AWSCURRENT as arn:aws:iam::123456789012:role/orders at 10:02 UTC from 10.0.0.5');
    expect(evidenceText({ principal: 'orders@p.iam.gserviceaccount.com', version: 'latest', at: '2026-12-05T08:00:00Z' }, NOW)).toBe(
      'read latest as orders@p.iam.gserviceaccount.com at 5 Dec 08:00 UTC',
    );
  });

  it('says what database sessions show', () => {
    expect(evidenceText({ user: 'orders_app_b', clientAddress: '127.0.0.1', application: 'orders-api', sessions: 3 }, NOW)).toBe(
      '3 sessions as orders_app_b from 127.0.0.1 (orders-api)',
    );
    expect(evidenceText({ user: 'orders_app_a', sessions: 1 }, NOW)).toBe('1 session as orders_app_a');
  });

  it('falls back to the identifiers, and to nothing for no evidence', () => {
    expect(evidenceText({ note: 'x', empty: null }, NOW)).toBe('note: x');
    expect(evidenceText({}, NOW)).toBeNull();
    expect(evidenceText(null, NOW)).toBeNull();
  });
});

describe('decisions and names', () => {
  it('words the decisions, unknown ones readable', () => {
    expect(decisionText('all_moved')).toBe('all moved');
    expect(decisionText('person')).toBe('retired by a person');
    expect(decisionText('something_new')).toBe('something new');
    expect(decisionText(undefined)).toBeNull();
  });

  it('lists names, cut after a few', () => {
    expect(namesText(['a'])).toBe('a');
    expect(namesText(['a', 'b', 'c'])).toBe('a, b and c');
    expect(namesText(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});
