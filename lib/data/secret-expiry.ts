// "Read expiry from the provider": for a connected secret whose value is a PEM certificate
// chain, reads the current version server-side, keeps the chain's earliest notAfter and the
// leaf's subject and issuer, and drops the value at once. Engineers of the owning team (and
// admins) only; audited with the provider version it read, never the value.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { changedFields } from '@/lib/audit/changes';
import { authorizeActionOn } from '@/lib/auth/team-scope';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { InputError, NotFoundError } from '@/lib/errors';
import { ProviderError } from '@/lib/providers/errors';
import { nextDueOf } from '@/lib/rotation/next-due';
import { uuidOrNil } from '@/lib/validation/ids';
import { certificateExpiryOf, type CertificateExpiry } from '@/lib/values/certificate';
import { readerFor } from '@/lib/values/write-service';

const ACTION = 'secret.expiry_read';

/** What the next-due date and the audited change are computed from. */
const DUE_FACTS = {
  classification: true,
  reminderDays: true,
  rotationIntervalDays: true,
  createdAt: true,
  lastRotatedAt: true,
  expiresAt: true,
  expirySource: true,
  certificateSubject: true,
} as const;

export async function readExpiryFromProvider(caller: Caller, secretId: string): Promise<{ expiresAt: string }> {
  await authorizeActionOn(caller, 'secrets.write', ACTION, { secretId });
  const secret = await db.secret.findUnique({
    where: { id: uuidOrNil(secretId) },
    select: {
      id: true,
      providerRef: true,
      environment: { select: { name: true } },
      connection: { select: { id: true, name: true, kind: true, region: true, roleArn: true, projectId: true, location: true, endpoint: true } },
    },
  });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  const { connection, providerRef } = secret;
  if (!connection || !providerRef) throw new InputError('This secret is not connected to a provider: enter its expiry on the edit form instead.');
  const audit = { action: ACTION, targetType: 'secret', targetId: secret.id, environment: secret.environment.name } as const;
  const where = { provider: connection.kind, connection: connection.name };

  let versionId: string | null = null;
  let certificate: CertificateExpiry;
  try {
    const reader = readerFor({ connection, providerRef });
    versionId = await reader.currentVersionId(providerRef);
    if (!versionId) throw new InputError('The provider holds no value for this secret yet.');
    // The value lives only in this expression: parsed, then left for the collector.
    certificate = certificateExpiryOf((await reader.readValue(providerRef, versionId)).reveal(), { allowPrivateKey: true });
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof ProviderError)) throw error;
    const code = error instanceof ProviderError ? error.code : versionId ? 'not_a_certificate' : 'no_value';
    await recordAudit(db, caller, { ...audit, outcome: 'failed', detail: { ...where, providerVersionId: versionId, error: code } });
    if (code === 'not_a_certificate') {
      throw new InputError('The current value at the provider is not a PEM certificate chain, so it has no expiry to read. Enter the expiry on the edit form.');
    }
    throw error;
  }

  const columns = {
    expiresAt: certificate.notAfter,
    expirySource: 'provider_value' as const,
    certificateSubject: certificate.subject,
    certificateIssuer: certificate.issuer,
  };
  await db
    .$transaction(async (tx) => {
      // The dates as they are now (a save or a rotation may have landed during the provider call).
      await tx.$executeRaw`SELECT 1 FROM secrets WHERE id = ${secret.id}::uuid FOR UPDATE`;
      const now = await tx.secret.findUniqueOrThrow({ where: { id: secret.id }, select: DUE_FACTS });
      await tx.secret.update({ where: { id: secret.id }, data: { ...columns, nextDueAt: await nextDueOf(tx, { ...now, expiresAt: columns.expiresAt }) } });
      await recordAudit(tx, caller, {
        ...audit,
        changes: changedFields(now, columns, ['expiresAt', 'expirySource', 'certificateSubject']),
        detail: { ...where, providerVersionId: versionId },
      });
    })
    .then(invalidatingListCounts);
  return { expiresAt: certificate.notAfter.toISOString() };
}
