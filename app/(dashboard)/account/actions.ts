'use server';
import { NO_INPUT, runAction } from '@/lib/action';
import { signOutEverywhere } from '@/lib/data/account';

export async function signOutEverywhereAction() {
  return runAction(NO_INPUT, [], (caller) => signOutEverywhere(caller));
}
