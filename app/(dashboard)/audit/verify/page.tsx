import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { MAX_BUNDLE_UPLOAD_BYTES } from '@/lib/export/bundle/verify-upload';
import { VerifyBundleForm } from './verify-client';

export const metadata: Metadata = { title: 'Verify an evidence bundle' };

export default async function VerifyBundlePage() {
  const caller = await requireSignedIn();
  const header = (
    <PageHeader
      title="Verify an evidence bundle"
      description="Checks the manifest's Ed25519 signature, each file's SHA-256, size and row count against the manifest, and recomputes the audit events' hash chain. Nothing you upload is stored. Bundles over 256 MiB uncompressed are refused here: check larger ones with `npm run audit:verify-bundle`."
      actions={<LinkButton href="/audit">Audit trail</LinkButton>}
    />
  );
  // The upload route authorizes again (lib/data); this only spares a form that cannot work.
  if (!can(caller.user.role, 'audit.read')) {
    return (
      <>
        {header}
        <Alert>Only auditors and administrators can verify evidence bundles.</Alert>
      </>
    );
  }
  return (
    <>
      {header}
      <VerifyBundleForm maxBytes={MAX_BUNDLE_UPLOAD_BYTES} />
    </>
  );
}
