// Encrypts TOTP secrets at rest: AES-256-GCM under a key derived from NEXTAUTH_SECRET with
// HKDF (its own "info", so the key is used for nothing else). The user id is the
// associated data, so a ciphertext copied onto another user's row does not decrypt.
// Stored as "v1.<iv>.<ciphertext>.<tag>" (base64url). Plain secrets never reach the database.
import 'server-only';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { env } from '@/lib/env';

const INFO = 'secret-inventory/totp-secret/v1';
let cachedKey: { secret: string; key: Buffer } | undefined;

function key(): Buffer {
  const secret = env().NEXTAUTH_SECRET;
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32)) };
  }
  return cachedKey.key;
}

export function encryptTotpSecret(userId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The plain secret, or null when the stored text is not ours (other key, other user, tampered). */
export function decryptTotpSecret(userId: string, stored: string): string | null {
  const [version, iv, body, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
