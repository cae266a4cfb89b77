'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { createSystem, setSystemStatus, updateSystem } from '@/lib/data/systems';
import { ZSystemId, ZSystemInput, ZSystemStatusChange } from '@/lib/validation/catalog';

export async function createSystemAction(input: unknown) {
  return runAction(ZSystemInput, input, (caller, system) => createSystem(caller, system));
}

export async function updateSystemAction(systemId: unknown, input: unknown) {
  return runAction(z.tuple([ZSystemId, ZSystemInput]), [systemId, input], (caller, [id, system]) => updateSystem(caller, id, system));
}

/** Decommission or reactivate. */
export async function setSystemStatusAction(systemId: unknown, input: unknown) {
  return runAction(z.tuple([ZSystemId, ZSystemStatusChange]), [systemId, input], (caller, [id, change]) => setSystemStatus(caller, id, change));
}
