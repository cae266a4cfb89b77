// The pure parts of audit streaming: RFC 5424 escaping and octet counting, syslog endpoints,
// the backoff and Retry-After.
import { describe, expect, it } from 'vitest';
import { parseHostPort } from '@/lib/validation/audit-sink';
import { backoffMs } from './deliver';
import { retryAfterMs } from './send-errors';
import { escapeParamValue, octetCounted, syslogMessage } from './syslog-format';

const event = (record: Record<string, unknown>) => ({
  seq: 7n,
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  action: String(record.action),
  outcome: String(record.outcome),
  record,
});

describe('syslog format', () => {
  it('escapes ", \\ and ] in parameter values (RFC 5424 §6.3.3) and nothing else', () => {
    expect(escapeParamValue('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f');
  });

  it('counts octets, not characters', () => {
    expect(octetCounted('ü')).toBe('2 ü');
  });

  it('writes the header, the structured data and the event as JSON after a BOM', () => {
    const text = syslogMessage(event({ seq: '7', action: 'secret.read', outcome: 'failed', target_id: 'x]"y', ip: null }), {
      hostname: 'host name',
      procId: '42',
    });
    expect(text).toBe(
      '<107>1 2026-01-02T03:04:05.678Z hostname secret-inventory 42 secret.read [audit@32473 seq="7" action="secret.read" outcome="failed" targetId="x\\]\\"y"] \uFEFF' +
        '{"seq":"7","action":"secret.read","outcome":"failed","target_id":"x]\\"y","ip":null}',
    );
  });
});

describe('syslog endpoints', () => {
  it('are host:port or [IPv6]:port with a port in range', () => {
    expect(parseHostPort('siem.example.com:6514')).toEqual({ host: 'siem.example.com', port: 6514 });
    expect(parseHostPort('[::1]:514')).toEqual({ host: '::1', port: 514 });
    for (const bad of ['siem.example.com', 'siem:0', 'siem:70000', 'https://siem:6514', 'a b:1']) expect(parseHostPort(bad)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles from 1 s up to the cap, and waits at least what Retry-After asks', () => {
    expect([1, 2, 3, 7, 50].map((n) => backoffMs(n, 60_000))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(backoffMs(1, 60_000, 30_000)).toBe(30_000);
    expect(retryAfterMs('5', new Date())).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', new Date('2015-10-21T07:28:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon', new Date())).toBeNull();
  });
});
