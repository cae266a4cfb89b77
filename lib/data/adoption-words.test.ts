import { describe, expect, it } from 'vitest';
import { decisionText, evidenceText, namesText } from './adoption-words';

const NOW = new Date('2026-12-07T12:00:00Z');

describe('evidenceText', () => {
  it('says what a provider read shows: the version, who, when and from where', () => {
    expect(
      evidenceText(
        {
          principal: 'arn:aws:iam::123456789012:role/orders',
          eventName: 'GetSecretValue',
          stage: 'AWSCURRENT',
          version: null,
          occurredAt: '2026-12-07T10:02:11Z',
          sourceIp: '10.0.0.5',
          userAgent: 'aws-sdk',
          reads: 3,
          oldReads: 0,
        },
        NOW,
      ),
    ).toBe('read AWSCURRENT as arn:aws:iam::123456789012:role/orders at 10:02 UTC from 10.0.0.5');
    expect(evidenceText({ principal: 'orders@p.iam.gserviceaccount.com', version: '7', stage: null, occurredAt: '2026-12-05T08:00:00Z' }, NOW)).toBe(
      'read version 7 as orders@p.iam.gserviceaccount.com at 5 Dec 08:00 UTC',
    );
    expect(evidenceText({ principal: 'p', eventName: 'GetSecretValue', stage: null, version: null, occurredAt: null, sourceIp: null }, NOW)).toBe(
      'read the current value (GetSecretValue) as p',
    );
  });

  it('says what database sessions show, naming the run’s users', () => {
    const users = { oldUser: 'orders_app_a', newUser: 'orders_app_b' };
    expect(evidenceText({ oldSessions: 0, newSessions: 3, clients: '127.0.0.1', applications: 'orders-api' }, NOW, users)).toBe(
      '3 sessions as orders_app_b from 127.0.0.1 (orders-api)',
    );
    expect(evidenceText({ oldSessions: 1, newSessions: 0, clients: '10.0.0.5', applications: '' }, NOW, users)).toBe('1 session as orders_app_a from 10.0.0.5');
    expect(evidenceText({ oldSessions: 1, newSessions: 2, clients: '10.0.0.5', applications: '' }, NOW)).toBe(
      '2 sessions as the new user and 1 session as the old user from 10.0.0.5',
    );
    expect(evidenceText({ oldSessions: 0, newSessions: 0, clients: '', applications: '' }, NOW, users)).toBeNull();
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
