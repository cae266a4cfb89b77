'use server';
import { NO_INPUT, runAction } from '@/lib/action';
import { signOutEverywhere } from '@/lib/data/account';
import { createApiToken, revokeApiToken } from '@/lib/data/api-tokens';
import { ZApiTokenCreate, ZApiTokenId } from '@/lib/validation/api-tokens';

export async function signOutEverywhereAction() {
  return runAction(NO_INPUT, [], (caller) => signOutEverywhere(caller));
}

/** The token text comes back in this one result and is never available again. */
export async function createApiTokenAction(input: unknown) {
  return runAction(ZApiTokenCreate, input, (caller, parsed) => createApiToken(caller, parsed));
}

export async function revokeApiTokenAction(tokenId: unknown) {
  return runAction(ZApiTokenId, tokenId, (caller, id) => revokeApiToken(caller, id));
}
