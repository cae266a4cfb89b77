// Verifying an uploaded evidence bundle in the app: for people who may read the audit
// trail (audit.read). Nothing is stored; a refusal is audited by authorize. At most
// VERIFICATIONS_AT_ONCE run at once per server process (each inflates and hashes up to
// SERVER_VERIFY_LIMITS' bytes); beyond that and a short queue the server answers busy.
import 'server-only';
import pLimit from 'p-limit';
import { SERVER_VERIFY_LIMITS, verifyBundle, type BundleVerification } from '@/lib/export/bundle/verify';
import { signingKey } from '@/lib/audit/signing-key';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { BusyError } from '@/lib/errors';

export { MAX_BUNDLE_UPLOAD_BYTES } from '@/lib/body-limits';

export const VERIFICATIONS_AT_ONCE = 2;
/** Waiting verifications beyond the running ones; more are refused at once. */
const VERIFICATIONS_WAITING = 2;
const slots = pLimit(VERIFICATIONS_AT_ONCE);
export const BUSY_MESSAGE = 'The server is verifying other bundles right now. Try again in a minute, or run `npm run audit:verify-bundle <file>`.';

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
  if (slots.activeCount + slots.pendingCount >= VERIFICATIONS_AT_ONCE + VERIFICATIONS_WAITING) throw new BusyError(BUSY_MESSAGE, 60);
  const result = await slots(() => verifyBundle(bytes, { limits: SERVER_VERIFY_LIMITS }));
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
