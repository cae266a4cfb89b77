// The evidence bundle's manifest: its shape, the file names inside the zip, and the
// Ed25519 signature over the manifest's exact bytes. Shared by the writer (server) and
// the verifier (CLI, upload page, tests), so both read the same definition.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const BUNDLE_FORMAT = 'secret-inventory.evidence-bundle';

const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ZBundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  generatedAt: z.string(),
  generatedBy: z.object({ id: z.string(), email: z.string(), role: z.string() }),
  /** The audit trail's URL filters the export applied. */
  filters: z.record(z.string(), z.string()),
  /** The covered instants: from inclusive, to exclusive; null means unbounded. */
  timeRange: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  /** The newest audit event at export time; no exported event is newer. */
  chainHead: z.object({ eventId: z.string(), hash: z.string().nullable(), seq: z.string().optional() }).nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      source: z.string(),
      format: z.enum(['csv', 'jsonl']),
      /** The filters this file applied (each source maps the bundle's filters to its own). */
      filters: z.record(z.string(), z.string()).optional(),
      rows: z.number().int().min(0),
      bytes: z.number().int().min(0),
      sha256: ZSha256,
    }),
  ),
  signature: z.object({ algorithm: z.literal('Ed25519'), file: z.literal(SIGNATURE_FILE), publicKey: z.string() }),
});

export type TBundleManifest = z.infer<typeof ZBundleManifest>;
export type TBundleFile = TBundleManifest['files'][number];

/** The manifest's bytes as written into the zip (and signed). */
export function manifestBytes(manifest: TBundleManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** manifest.sig: the base64 Ed25519 signature of the manifest bytes, one line. */
export function signManifest(bytes: Buffer, privateKey: KeyObject): Buffer {
  return Buffer.from(`${sign(null, bytes, privateKey).toString('base64')}\n`, 'ascii');
}

export function verifyManifestSignature(bytes: Buffer, signatureFile: Buffer, publicKey: KeyObject): boolean {
  const signature = Buffer.from(signatureFile.toString('ascii').trim(), 'base64');
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

/** A public key given as PEM or base64 SPKI DER (an Ed25519 key, or an error). */
export function parsePublicKey(text: string): KeyObject {
  const key = text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('The public key is not an Ed25519 key.');
  return key;
}
