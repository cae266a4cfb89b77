import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnreachable, noteFailedRequest, noteReachable, noteUnreachable, OUTAGE_REPORT_INTERVAL_MS, outageInProgress } from './db-outage';
import { DatabaseUnavailableError, QueryTimeoutError } from './errors';

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('isDatabaseUnreachable', () => {
  it('recognises connection failures as pg, Prisma and its driver adapter report them', () => {
    const prismaKnown = (code: string, kind?: string) =>
      Object.assign(new Error('Invalid `prisma.user.findFirst()` invocation'), {
        code,
        meta: kind ? { driverAdapterError: { name: 'DriverAdapterError', cause: { kind, host: '127.0.0.1', port: 5432 } } } : {},
      });
    for (const error of [
      socketError('ECONNREFUSED'),
      socketError('ECONNRESET'),
      Object.assign(new AggregateError([socketError('ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03', severity: 'FATAL' }),
      prismaKnown('P1001', 'DatabaseNotReachable'),
      prismaKnown('P1017'),
      // A raw query: Prisma's code is generic, the adapter's cause says what happened.
      prismaKnown('P2010', 'DatabaseNotReachable'),
      prismaKnown('P2010', 'ConnectionClosed'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }),
      new Error('timeout exceeded when trying to connect'),
      new DatabaseUnavailableError(),
    ]) {
      expect(isDatabaseUnreachable(error), String(error)).toBe(true);
    }
  });

  it('leaves statement errors and everything else alone', () => {
    for (const error of [
      new Error('boom'),
      new QueryTimeoutError(15),
      Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014', severity: 'ERROR' }),
      Object.assign(new Error('relation "x" does not exist'), { code: '42P01', severity: 'ERROR' }),
      // A message that merely mentions a connection is not one.
      Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ERR_SOMETHING_ELSE' }),
      null,
      'ECONNREFUSED',
    ]) {
      expect(isDatabaseUnreachable(error), String(error)).toBe(false);
    }
  });
});

describe('the outage log', () => {
  afterEach(() => {
    noteReachable();
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const lines = (write: { mock: { calls: unknown[][] } }) => write.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

  it('is not ended by a query that began before it (a lingering connection), only by a later one', () => {
    vi.useFakeTimers();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const begunBefore = Date.now();
    vi.advanceTimersByTime(50);
    noteUnreachable(socketError('ECONNRESET'));
    noteReachable(begunBefore);
    expect(outageInProgress()).toBe(true);
    noteReachable(Date.now());
    expect(outageInProgress()).toBe(false);
  });

  it('writes one line at the start, a count while requests fail, and one line at the end', () => {
    vi.useFakeTimers();
    vi.stubEnv('LOG_LEVEL', 'info');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    noteUnreachable(socketError('ECONNREFUSED'));
    for (let i = 0; i < 500; i += 1) {
      noteUnreachable(socketError('ECONNREFUSED'));
      noteFailedRequest(new DatabaseUnavailableError());
    }
    expect(outageInProgress()).toBe(true);
    expect(lines(err)).toEqual([expect.objectContaining({ level: 'error', code: 'ECONNREFUSED' })]);
    // The driver's message (host and port) is not logged.
    expect(String(err.mock.calls[0][0])).not.toContain('127.0.0.1');

    vi.advanceTimersByTime(OUTAGE_REPORT_INTERVAL_MS);
    noteFailedRequest();
    vi.advanceTimersByTime(OUTAGE_REPORT_INTERVAL_MS);
    // Quiet spell: nothing new is known, nothing is written.
    vi.advanceTimersByTime(OUTAGE_REPORT_INTERVAL_MS * 3);
    noteReachable();
    noteReachable();

    expect(lines(out)).toEqual([
      expect.objectContaining({ level: 'warn', message: 'database still unreachable', failedRequests: 500, failedRequestsTotal: 500, outageSeconds: 30 }),
      expect.objectContaining({ level: 'warn', message: 'database still unreachable', failedRequests: 1, failedRequestsTotal: 501, outageSeconds: 60 }),
      expect.objectContaining({ level: 'warn', message: 'database reachable again', failedRequests: 501, outageSeconds: 150 }),
    ]);
    expect(outageInProgress()).toBe(false);
  });
});
