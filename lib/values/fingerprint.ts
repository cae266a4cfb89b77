// Keyed fingerprints of secret values: HMAC-SHA256 under a server-side pepper. They let
// the app notice a value reused across environments or secrets, and the leak check
// recognise a leaked string as an inventory value, without storing anything that could be
// brute-forced offline from a database dump (without the pepper a dump's fingerprints are
// useless). They never leave the server: not shown, not exported, not audited.
//
// The pepper can be rotated: each fingerprint is stored with the key id of the pepper that
// made it, and earlier peppers (VALUE_FINGERPRINT_PEPPERS_PREVIOUS) keep matching their own
// fingerprints until the backfill job re-fingerprints them under the current one.
import 'server-only';
import { createHmac } from 'node:crypto';
import { env } from '@/lib/env';
import type { SecretValue } from '@/lib/secret-value';

/** A pepper and its public id (16 hex characters, derived from the pepper, safe to store). */
export type FingerprintKey = { id: string; pepper: string };

const keyIdCache = new Map<string, string>();

export function keyIdOf(pepper: string): string {
  let id = keyIdCache.get(pepper);
  if (!id) {
    id = createHmac('sha256', pepper).update('value-fingerprint-key-id', 'utf8').digest('hex').slice(0, 16);
    keyIdCache.set(pepper, id);
  }
  return id;
}

/** Every configured pepper, the current one first. */
export function fingerprintKeys(): FingerprintKey[] {
  const { VALUE_FINGERPRINT_PEPPER: current, VALUE_FINGERPRINT_PEPPERS_PREVIOUS: previous } = env();
  if (!current) {
    throw new Error('VALUE_FINGERPRINT_PEPPER is not set (npm start creates one; see .env.example)');
  }
  return [current, ...previous.filter((pepper) => pepper !== current)].map((pepper) => ({ id: keyIdOf(pepper), pepper }));
}

export function currentFingerprintKey(): FingerprintKey {
  return fingerprintKeys()[0];
}

/** The fingerprint of a text under one key (the leak check fingerprints candidates with it). */
export function fingerprintWith(key: FingerprintKey, text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHmac('sha256', key.pepper).update(text, 'utf8').digest());
}

/** The fingerprint of a value under the current pepper. */
export function fingerprintOf(value: SecretValue): Uint8Array<ArrayBuffer> {
  return fingerprintWith(currentFingerprintKey(), value.reveal());
}
