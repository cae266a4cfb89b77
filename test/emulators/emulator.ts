// What every cloud emulator here hands a test, so tests drive them alike: where it listens,
// the fault plan in front of every operation, the log of what arrived, and its lifecycle.
import type { FaultPlan } from './faults';

export interface Emulator<Request> {
  /** `http://127.0.0.1:PORT`: what an SDK's or a connection's `endpoint` holds. */
  endpoint: string;
  port: number;
  faults: FaultPlan;
  /** What arrived, in order, faulted requests included. */
  requests: Request[];
  /** Forget everything recorded and every fault rule (each emulator says what more). */
  reset(): void;
  close(): Promise<void>;
}

/** The members an emulator listening on `host`:`port` shares with every other: where it is, its faults and its request log. */
export function sharedMembers<Request>(host: string, port: number, faults: FaultPlan, requests: Request[]): Omit<Emulator<Request>, 'reset' | 'close'> {
  return { endpoint: `http://${host}:${port}`, port, faults, requests };
}
