// The one source of "now" for rotation, reminders and grace periods, injected rather
// than read from Date directly so tests can move time. In production it is the system
// clock. With TEST_CLOCK_FILE set (tests only), now() is the system time plus the offset
// in milliseconds written in that file, so a test can jump a running server and worker
// past a grace period without touching Date.
import { readFileSync } from 'node:fs';
import { env } from '@/lib/env';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test sets by hand (unit and integration tests pass it in). */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** System time plus an offset read from a file at every call (end-to-end tests). */
export class FileOffsetClock implements Clock {
  constructor(private readonly file: string) {}
  now(): Date {
    let offset = 0;
    try {
      offset = Number(readFileSync(this.file, 'utf8').trim()) || 0;
    } catch {
      // no file yet: no offset
    }
    return new Date(Date.now() + offset);
  }
}

let shared: Clock | undefined;
/** The process's clock: the system clock, or the file-offset clock under TEST_CLOCK_FILE. */
export function appClock(): Clock {
  const file = env().TEST_CLOCK_FILE;
  shared ??= file ? new FileOffsetClock(file) : systemClock;
  return shared;
}
