'use server';
import { runAction } from '@/lib/action';
import { createConnection, deleteConnection, testConnection, updateConnection } from '@/lib/data/provider-connections';
import { ZConnectionId } from '@/lib/validation/provider-connection';
import { parseInput } from '@/lib/validation/parse';

export async function createConnectionAction(input: unknown) {
  return runAction((caller) => createConnection(caller, input));
}

export async function updateConnectionAction(connectionId: unknown, input: unknown) {
  return runAction((caller) => updateConnection(caller, parseInput(ZConnectionId, connectionId), input));
}

export async function deleteConnectionAction(connectionId: unknown) {
  return runAction((caller) => deleteConnection(caller, parseInput(ZConnectionId, connectionId)));
}

// `ok` is runAction's (did the request work); `passed` is the connection test's verdict.
export async function testConnectionAction(connectionId: unknown) {
  return runAction(async (caller) => {
    const result = await testConnection(caller, parseInput(ZConnectionId, connectionId));
    return { passed: result.ok, code: result.code ?? null, message: result.message };
  });
}
