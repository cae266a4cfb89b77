'use server';
import { z } from 'zod';
import { runAction, runActionWithData } from '@/lib/action';
import { commitAdoption, previewAdoption } from '@/lib/data/discovery-adopt';
import { ignoreDiscovered, restoreDiscovered } from '@/lib/data/unmanaged';
import { ZAdoptionFilter, ZAdoptionRules, ZDiscoveredId, ZIgnoreInput, ZPlanDigest } from '@/lib/validation/unmanaged';

export async function ignoreDiscoveredAction(id: unknown, input: unknown) {
  return runAction(z.tuple([ZDiscoveredId, ZIgnoreInput]), [id, input], async (caller, [discoveredId, fields]) => {
    await ignoreDiscovered(caller, discoveredId, fields);
    return {};
  });
}

export async function restoreDiscoveredAction(id: unknown) {
  return runAction(ZDiscoveredId, id, async (caller, discoveredId) => {
    await restoreDiscovered(caller, discoveredId);
    return {};
  });
}

// The adoption's filter is the view's URL params; the data layer parses both arguments
// itself (it is called from tests too), so the raw values are what it gets.
export async function previewAdoptionAction(filter: unknown, rules: unknown) {
  return runActionWithData(z.tuple([ZAdoptionFilter, ZAdoptionRules]), [filter, rules], (caller) => previewAdoption(caller, filter, rules));
}

export async function commitAdoptionAction(filter: unknown, rules: unknown, digest: unknown) {
  return runAction(z.tuple([ZAdoptionFilter, ZAdoptionRules, ZPlanDigest]), [filter, rules, digest], (caller) => commitAdoption(caller, filter, rules, digest));
}
