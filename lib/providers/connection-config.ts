// A stored connection row -> the adapter config. Empty optional columns become null.
import type { ConnectionKind } from '@/generated/prisma/enums';
import type { ConnectionConfig } from './types';

export type ConnectionColumns = {
  kind: ConnectionKind;
  region: string | null;
  roleArn: string | null;
  projectId: string | null;
  location: string | null;
  endpoint: string | null;
};

export function connectionConfigOf(row: ConnectionColumns): ConnectionConfig {
  switch (row.kind) {
    case 'aws':
      return { kind: 'aws', region: row.region ?? '', roleArn: row.roleArn, endpoint: row.endpoint };
    case 'gcp':
      return { kind: 'gcp', projectId: row.projectId ?? '', location: row.location, endpoint: row.endpoint };
    case 'local':
      return { kind: 'local' };
  }
}
