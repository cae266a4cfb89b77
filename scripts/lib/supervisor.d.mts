import type { ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  spawn: () => ChildProcess;
  ready?: (child: ChildProcess) => Promise<void>;
  layer?: number;
  stopSignal?: NodeJS.Signals;
  forceSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

export class Supervisor {
  constructor(options?: {
    initialDelayMs?: number;
    maxDelayMs?: number;
    stableMs?: number;
    maxFailures?: number;
    log?: (line: string) => void;
    onGiveUp?: (name: string) => void;
  });
  start(spec: ChildSpec): Promise<void>;
  stop(options?: { force?: boolean }): Promise<void>;
}
