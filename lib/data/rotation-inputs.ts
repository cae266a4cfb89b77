// The inputs a rotation run fixes when it starts (lib/rotation/inputs.ts), read from the
// secret and checked: the reference stays inside its connection, the strategy's settings
// are valid, and a database admin credential is a secret an admin marked as one, of the
// same connection. Refusals are InputErrors naming what to fix.
import 'server-only';
import type { Tx } from '@/lib/db';
import { InputError } from '@/lib/errors';
import type { TRunInputs } from '@/lib/rotation/inputs';
import { refOutsideConnection } from '@/lib/validation/provider-ref';
import { adminSecretIdOf, parseRotationConfig } from '@/lib/validation/rotation-config';

const connectionSelect = { id: true, name: true, kind: true, region: true, roleArn: true, projectId: true, location: true, endpoint: true } as const;

export async function runInputsOf(client: Pick<Tx, 'secret'>, secretId: string): Promise<TRunInputs> {
  const secret = await client.secret.findUniqueOrThrow({
    where: { id: secretId },
    select: { providerRef: true, rotationStrategy: true, rotationConfig: true, stragglerPolicy: true, connection: { select: connectionSelect } },
  });
  if (!secret.connection || !secret.providerRef) {
    throw new InputError('Connect this secret to a provider first (Edit → Connection): rotations write the new value there.');
  }
  const outside = refOutsideConnection(secret.connection, secret.providerRef);
  if (outside) throw new InputError(`${outside} Fix the provider reference before rotating.`);
  let rotation;
  try {
    rotation = parseRotationConfig(secret.rotationStrategy, secret.rotationConfig);
  } catch {
    throw new InputError("This secret's rotation settings are incomplete for its strategy. Edit the secret and fill them in.");
  }
  let admin: TRunInputs['admin'] = null;
  const adminSecretId = adminSecretIdOf(rotation);
  if (adminSecretId) {
    const holder = await client.secret.findUnique({
      where: { id: adminSecretId },
      select: { id: true, providerRef: true, connectionId: true, dbAdminCredential: true, status: true },
    });
    const problem = !holder
      ? 'The secret named as the database admin credential no longer exists.'
      : !holder.dbAdminCredential
        ? 'The secret named as the database admin credential is not marked as a database admin credential (an administrator marks those).'
        : holder.connectionId !== secret.connection.id
          ? "The database admin credential must be a secret of this secret's own connection."
          : holder.status === 'decommissioned' || !holder.providerRef
            ? 'The secret holding the database admin credential is decommissioned or has no provider reference.'
            : refOutsideConnection(secret.connection, holder.providerRef);
    if (problem || !holder) throw new InputError(problem ?? 'The database admin credential cannot be used.');
    admin = { secretId: holder.id, providerRef: holder.providerRef };
  }
  return {
    providerRef: secret.providerRef,
    connection: secret.connection,
    strategy: secret.rotationStrategy,
    config: rotation.config,
    admin,
    stragglerPolicy: secret.stragglerPolicy,
  };
}
