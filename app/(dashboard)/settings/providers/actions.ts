'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { createConnection, deleteConnection, testConnection, updateConnection } from '@/lib/data/provider-connections';
import { ZConnectionId, ZConnectionInput } from '@/lib/validation/provider-connection';

export async function createConnectionAction(input: unknown) {
  return runAction(ZConnectionInput, input, (caller, connection) => createConnection(caller, connection));
}

export async function updateConnectionAction(connectionId: unknown, input: unknown) {
  return runAction(z.tuple([ZConnectionId, ZConnectionInput]), [connectionId, input], (caller, [id, connection]) => updateConnection(caller, id, connection));
}

export async function deleteConnectionAction(connectionId: unknown) {
  return runAction(ZConnectionId, connectionId, (caller, id) => deleteConnection(caller, id));
}

// `ok` is runAction's (did the request work); `passed` is the connection test's verdict.
export async function testConnectionAction(connectionId: unknown) {
  return runAction(ZConnectionId, connectionId, async (caller, id) => {
    const result = await testConnection(caller, id);
    return { passed: result.ok, code: result.code ?? null, message: result.message };
  });
}
