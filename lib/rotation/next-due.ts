// A secret's next-due date as every writer stores it: computeNextDue (lib/validation/secret.ts)
// with the reminder lead resolved (the secret's own, else its classification's default),
// and the columns a new value sets when it replaces the credential.
import 'server-only';
import type { Classification, ExpirySource } from '@/generated/prisma/enums';
import type { db, Tx } from '@/lib/db';
import { computeNextDue } from '@/lib/validation/secret';
import type { CertificateExpiry } from '@/lib/values/certificate';
import { effectivePolicy } from './policy';

type Client = Tx | typeof db;

export type DueFacts = {
  classification: Classification;
  reminderDays: number | null;
  rotationIntervalDays: number | null;
  createdAt: Date;
  lastRotatedAt: Date | null;
  expiresAt: Date | null;
};

/** next_due_at for these facts (reads the classification's lead only when there is an expiry). */
export async function nextDueOf(client: Client, s: DueFacts): Promise<Date | null> {
  const expiry = s.expiresAt ? { at: s.expiresAt, leadDays: (await effectivePolicy(client, { ...s, graceHours: null })).reminderDays } : null;
  return computeNextDue({ lastRotatedAt: s.lastRotatedAt, intervalDays: s.rotationIntervalDays, createdAt: s.createdAt, expiry });
}

/**
 * The dates once a new value is current (a person's write, a recovered write, a rotation).
 * The old expiry belonged to the credential just replaced, so it goes: kept, it would hold
 * the new credential due on the old date (and an automatic rotation would start again at
 * once). A new value that is a certificate chain brings its own expiry; for any other the
 * person enters the new credential's expiry on the edit form.
 */
export async function replacedCredentialColumns(
  client: Client,
  secret: Omit<DueFacts, 'lastRotatedAt' | 'expiresAt'>,
  at: Date,
  certificate: CertificateExpiry | null = null,
) {
  const expiresAt = certificate?.notAfter ?? null;
  const source: ExpirySource | null = certificate ? 'provider_value' : null;
  return {
    lastRotatedAt: at,
    nextDueAt: await nextDueOf(client, { ...secret, lastRotatedAt: at, expiresAt }),
    expiresAt,
    expirySource: source,
    certificateSubject: certificate?.subject ?? null,
    certificateIssuer: certificate?.issuer ?? null,
    expiryNoticeForAt: null,
  };
}

/**
 * After a classification's default reminder lead changed: the next-due date of its secrets
 * that expire and follow the default moves with it. Few rows (only expiring secrets), one
 * update each, in the caller's transaction.
 */
export async function recomputeNextDueOfClassification(tx: Tx, classification: Classification): Promise<void> {
  const secrets = await tx.secret.findMany({
    where: { classification, reminderDays: null, expiresAt: { not: null } },
    select: { id: true, classification: true, reminderDays: true, rotationIntervalDays: true, createdAt: true, lastRotatedAt: true, expiresAt: true },
  });
  for (const s of secrets) await tx.secret.update({ where: { id: s.id }, data: { nextDueAt: await nextDueOf(tx, s) } });
}
