'use server';
import { z } from 'zod';
import { runAction, runActionWithData } from '@/lib/action';
import { commitImport, previewImport } from '@/lib/data/inventory-import';
import { ZCommitOptions, ZImportText } from '@/lib/validation/inventory-csv';

export async function previewImportAction(csvText: unknown) {
  return runActionWithData(ZImportText, csvText, (caller, text) => previewImport(caller, text));
}

export async function commitImportAction(csvText: unknown, createMissing: unknown) {
  return runAction(z.tuple([ZImportText, ZCommitOptions.shape.createMissing]), [csvText, createMissing], (caller, [text, create]) =>
    commitImport(caller, text, { createMissing: create }),
  );
}
