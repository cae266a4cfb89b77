// A secret value in transit: browser -> server action -> provider SDK, and nowhere else.
// The wrapper makes every accidental route out of the process print "[redacted]":
// string interpolation, JSON (logs, action results, RSC payloads), util.inspect
// (console.log, error reports). The only way to the characters is `reveal()`, which
// provider adapters call at the moment they hand the value to an SDK.
import 'server-only';
import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/** SecretString / SecretPayload.data are capped at 64 KiB by both clouds. */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;

export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** Hand the characters to a provider SDK or to the keyed fingerprint; nothing else. */
  reveal(): string {
    return this.#value;
  }

  get byteLength(): number {
    return Buffer.byteLength(this.#value, 'utf8');
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
