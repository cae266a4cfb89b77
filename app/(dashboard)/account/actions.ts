'use server';
import { runAction } from '@/lib/action';
import { signOutEverywhere } from '@/lib/data/account';

export async function signOutEverywhereAction() {
  return runAction((caller) => signOutEverywhere(caller));
}
