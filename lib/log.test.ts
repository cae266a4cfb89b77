import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from './log';

afterEach(() => vi.restoreAllMocks());

describe('log', () => {
  it('redacts credential-like fields at any depth and writes one JSON line', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    log.error('failed', { password: 'hunter2', nested: { secretValue: 'abc', apiKey: 'k', ok: 1 }, list: [{ token: 't' }] });
    const line = String(write.mock.calls[0][0]);
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      level: 'error',
      message: 'failed',
      password: '[redacted]',
      nested: { secretValue: '[redacted]', apiKey: '[redacted]', ok: 1 },
      list: [{ token: '[redacted]' }],
    });
    expect(line).not.toMatch(/hunter2|"abc"|"k"|"t"/);
  });
});
