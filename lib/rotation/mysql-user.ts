// PLACEHOLDER until the MySQL/MariaDB implementation lands (helper branch i18-mysql).
import 'server-only';
import type { SecretValue } from '@/lib/secret-value';
import type { RetireMode } from '@/lib/validation/rotation-config';
import type { DatabaseAccount } from './database-engine';
import type { AdminCredential, LiveSession } from './postgres-role';

const missing = () => new Error('MySQL rotation is not implemented yet');
export function parseMysqlAdminCredential(_value: SecretValue): AdminCredential {
  throw missing();
}
export async function setMysqlPassword(_a: AdminCredential, _u: DatabaseAccount, _p: SecretValue, _o?: { enableLogin?: boolean }): Promise<void> {
  throw missing();
}
export async function verifyMysqlLogin(_a: AdminCredential, _u: DatabaseAccount, _p: SecretValue): Promise<boolean> {
  throw missing();
}
export async function mysqlLiveSessions(_a: AdminCredential, _users: string[]): Promise<LiveSession[]> {
  throw missing();
}
export async function retireMysqlUser(_a: AdminCredential, _u: DatabaseAccount, _m: RetireMode): Promise<void> {
  throw missing();
}
