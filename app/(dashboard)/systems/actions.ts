'use server';
import { runAction } from '@/lib/action';
import { createSystem, setSystemStatus, updateSystem } from '@/lib/data/systems';
import { ZSystemId } from '@/lib/validation/catalog';
import { parseInput } from '@/lib/validation/parse';

export async function createSystemAction(input: unknown) {
  return runAction((caller) => createSystem(caller, input));
}

export async function updateSystemAction(systemId: unknown, input: unknown) {
  return runAction((caller) => updateSystem(caller, parseInput(ZSystemId, systemId), input));
}

/** Decommission or reactivate. */
export async function setSystemStatusAction(systemId: unknown, input: unknown) {
  return runAction((caller) => setSystemStatus(caller, parseInput(ZSystemId, systemId), input));
}
