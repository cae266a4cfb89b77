// Verifying an uploaded evidence bundle in the app: for people who may read the audit
// trail (audit.read). Nothing is stored; a refusal is audited by authorize.
import 'server-only';
import { verifyBundle, type BundleVerification } from '@/lib/audit/bundle-verify';
import { signingKey } from '@/lib/audit/signing-key';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { env } from '@/lib/env';

/** The proxy buffers request bodies up to 10 MB; larger bundles: `npm run audit:verify-bundle`. */
export const MAX_BUNDLE_UPLOAD_BYTES = 10 * 1024 * 1024 - 1;

export async function authorizeBundleVerification(caller: Caller): Promise<void> {
  await authorize(caller, 'audit.read', { action: 'audit.verify_bundle', targetType: 'audit_event' });
}

export type UploadedBundleVerification = BundleVerification & {
  /** Whether the bundle was signed by this server's own key. */
  signedByThisServer: boolean | null;
  /**
   * Whether the manifest's chain head is an event of this server's trail with the same hash
   * (null: no head in the manifest, or that event is no longer here, e.g. purged).
   */
  headInThisTrail: boolean | null;
};

/** Checks the bundle against its own key, and says whether that key is this server's. */
export async function verifyUploadedBundle(caller: Caller, bytes: Buffer): Promise<UploadedBundleVerification> {
  await authorizeBundleVerification(caller);
  const result = await verifyBundle(bytes);
  let signedByThisServer: boolean | null = null;
  if (env().AUDIT_SIGNING_KEY && result.manifest) {
    signedByThisServer = result.manifest.signature.publicKey.trim() === signingKey().publicKeyPem.trim();
  }
  return { ...result, signedByThisServer, headInThisTrail: await headInThisTrail(result.manifest?.chainHead ?? null) };
}

async function headInThisTrail(head: { eventId: string; hash: string | null } | null): Promise<boolean | null> {
  if (!head?.hash || !/^\d+$/.test(head.eventId)) return null;
  const rows = await db.$queryRaw<{ hash: string | null }[]>`
    SELECT encode(hash, 'hex') AS hash FROM audit_events WHERE id = ${head.eventId}::bigint`;
  return rows[0] ? rows[0].hash === head.hash : null;
}
