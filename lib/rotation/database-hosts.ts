// Which database hosts a PostgreSQL admin credential may name (admins keep the list under
// Settings -> Database hosts), and which TLS the connection uses. A credential is a value
// an engineer can write, so without this a rotation would log in wherever that value says.
import 'server-only';
import { db } from '@/lib/db';
import { normalizeDatabaseHost } from '@/lib/validation/database-host';
import type { TPostgresTls } from '@/lib/validation/rotation-config';
import type { AdminCredential } from './postgres-role';

/** Why the rotation may not connect to the credential's host with `tls`, or null. */
export async function databaseHostProblem(admin: AdminCredential, tls: TPostgresTls): Promise<string | null> {
  const host = normalizeDatabaseHost(admin.host);
  const entry = await db.databaseHost.findUnique({ where: { host }, select: { allowInsecureTls: true } });
  if (!entry) {
    return `The admin credential names the database host ${host}, which is not on the allowlist (Settings → Database hosts). An administrator adds the hosts rotations may connect to.`;
  }
  if (tls !== 'verify-full' && !entry.allowInsecureTls) {
    return `The rotation asks for TLS "${tls}", but the allowlist entry for ${host} requires verify-full (certificate and host name checked).`;
  }
  return null;
}

/** The credential with the TLS mode the run's settings chose (the credential's own
 *  sslmode text is not trusted: whoever writes the value would choose it). */
export function withTls(admin: AdminCredential, tls: TPostgresTls): AdminCredential {
  return { ...admin, sslmode: tls };
}
