'use server';
import { runAction } from '@/lib/action';
import { addDatabaseHost, removeDatabaseHost } from '@/lib/data/database-hosts';
import { ZDatabaseHostInput } from '@/lib/validation/database-host';
import { actionId } from '@/lib/validation/ids';

const ZHostId = actionId('This host is not on the list.');

// The data layer checks the permission (admin.providers).
export async function addDatabaseHostAction(input: unknown) {
  return runAction(ZDatabaseHostInput, input, (caller, host) => addDatabaseHost(caller, host));
}

export async function removeDatabaseHostAction(id: unknown) {
  return runAction(ZHostId, id, (caller, hostId) => removeDatabaseHost(caller, hostId));
}
