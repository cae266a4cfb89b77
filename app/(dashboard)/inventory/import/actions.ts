'use server';
import { runAction, runActionWithData } from '@/lib/action';
import { commitImport, previewImport } from '@/lib/data/inventory-import';

export async function previewImportAction(csvText: unknown) {
  return runActionWithData((caller) => previewImport(caller, csvText));
}

export async function commitImportAction(csvText: unknown, createMissing: unknown) {
  return runAction((caller) => commitImport(caller, csvText, { createMissing }));
}
