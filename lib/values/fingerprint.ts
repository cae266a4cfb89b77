// Keyed fingerprints of secret values: HMAC-SHA256 under a server-side pepper. They let
// the app notice a value reused across environments or secrets without storing anything
// that could be brute-forced offline from a database dump (without the pepper a dump's
// fingerprints are useless). They never leave the server: not shown, not exported,
// not audited.
import 'server-only';
import { createHmac } from 'node:crypto';
import { env } from '@/lib/env';
import type { SecretValue } from '@/lib/secret-value';

export function fingerprintOf(value: SecretValue): Uint8Array<ArrayBuffer> {
  const pepper = env().VALUE_FINGERPRINT_PEPPER;
  if (!pepper) {
    throw new Error('VALUE_FINGERPRINT_PEPPER is not set (npm start creates one; see .env.example)');
  }
  return new Uint8Array(createHmac('sha256', pepper).update(value.reveal(), 'utf8').digest());
}
