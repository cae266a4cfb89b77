// The secret's tabs (Overview, Secrets Management, Rotation, Access) share this heading:
// the secret is read once here, and the pages below get the same read from loadSecret.
import { SecretHeader } from '@/components/inventory/secret-header';
import { LinkButton } from '@/components/ui/button';
import { can } from '@/lib/auth/permissions';
import { loadSecretTab, type SecretParams } from '../load-secret';

export default async function SecretTabsLayout({ children, params }: { children: React.ReactNode; params: SecretParams }) {
  const { caller, secret } = await loadSecretTab(params);
  return (
    <>
      <SecretHeader
        secret={secret}
        actions={
          can(caller.user.role, 'secrets.write') && (
            <LinkButton href={`/inventory/${secret.id}/edit`} variant="primary">
              Edit
            </LinkButton>
          )
        }
      />
      {children}
    </>
  );
}
