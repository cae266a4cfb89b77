import { describe, expect, it } from 'vitest';
import { gcpVersionNumber, observationsFrom, type DecidingRead, type PrincipalReads } from './provider-evidence';

const T = (m: number) => new Date(Date.UTC(2026, 11, 7, 10, m));
const read = (principal: string, m: number, version: string | null = null): DecidingRead => ({
  principal,
  eventName: 'GetSecretValue',
  occurredAt: T(m),
  version,
  stage: null,
  sourceIp: '10.0.0.1',
  userAgent: 'app/1',
});
const reads = (principal: string, firstNew: number | null, lastOld: number | null, n = 1): PrincipalReads => ({
  principal,
  reads: n,
  oldReads: lastOld === null ? 0 : 1,
  firstNew: firstNew === null ? null : read(principal, firstNew),
  lastOld: lastOld === null ? null : read(principal, lastOld, 'v-old'),
});
const A = 'arn:aws:iam::123456789012:role/a';
const B = 'arn:aws:iam::123456789012:role/b';

describe('observationsFrom', () => {
  it('a system is on the old value while any of its principals is, even one that read the old value before another moved', () => {
    const [system] = observationsFrom([reads(A, 5, null), reads(B, null, 2)], [{ systemId: 's', name: 'svc', principals: [A, B] }]);
    expect(system).toMatchObject({ movedAt: T(5), onOld: true, oldSeenAt: T(2), evidence: { principal: B, version: 'v-old', reads: 2, oldReads: 1 } });
  });

  it('an old read before the first new one does not keep a principal on the old value', () => {
    const [system] = observationsFrom([reads(A, 5, 3, 4)], [{ systemId: 's', name: 'svc', principals: [A] }]);
    expect(system).toMatchObject({ movedAt: T(5), onOld: false, oldSeenAt: T(3), evidence: { principal: A, occurredAt: T(5).toISOString(), reads: 4 } });
  });

  it('principals no system claims are undeclared; an unnamed reader is labelled so', () => {
    const out = observationsFrom([reads(A, 1, null), reads('', null, 4)], []);
    expect(out.map((o) => [o.key, o.label, o.declared, o.onOld])).toEqual([
      [`principal:${A}`, A, false, false],
      ['principal:', 'unknown identity', false, true],
    ]);
  });

  it('reads GCP version numbers from ids and resource names', () => {
    expect(gcpVersionNumber('7')).toBe('7');
    expect(gcpVersionNumber('projects/1/secrets/x/versions/12')).toBe('12');
    expect(gcpVersionNumber(null)).toBeNull();
  });
});
