// The evidence-bundle signing key: an Ed25519 private key from AUDIT_SIGNING_KEY (PEM, or
// base64 of the PKCS#8 DER), and its public half as the PEM printed into each bundle.
// Parsed once; a key of another type is refused so bundles are never signed with, say, RSA.
import 'server-only';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { env } from '@/lib/env';

export type SigningKey = { privateKey: KeyObject; publicKeyPem: string };

export class SigningKeyMissingError extends Error {
  constructor() {
    super('Evidence bundles are not set up on this server (AUDIT_SIGNING_KEY is not configured).');
    this.name = 'SigningKeyMissingError';
  }
}

export function parseSigningKey(text: string): SigningKey {
  const privateKey = text.includes('-----BEGIN')
    ? createPrivateKey(text)
    : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key.');
  const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  return { privateKey, publicKeyPem };
}

let cached: SigningKey | undefined;

/** The configured key; throws SigningKeyMissingError when none is set. */
export function signingKey(): SigningKey {
  if (cached) return cached;
  const text = env().AUDIT_SIGNING_KEY;
  if (!text) throw new SigningKeyMissingError();
  cached = parseSigningKey(text);
  return cached;
}
