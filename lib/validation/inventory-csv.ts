// Input rules for CSV import: the file text itself, and one row of the file. A row
// uses the same field rules as the secret form (lib/validation/secret.ts) but names
// the environment, owner and systems instead of choosing ids, and takes the lists
// (systems, tags) separated by ";" or ",".
import { z } from 'zod';
import { MAX_IMPORT_BYTES, splitListCell } from '@/lib/export/csv/inventory-columns';
import { ZSystemInput, ZTeamInput } from './catalog';
import { blankToUndefined } from './parse';
import { CLASSIFICATIONS, PROVIDER_KINDS, SECRET_STATUSES, ZPastDate, ZRotationInterval, ZSecretInput, ZSecretName, ZTags } from './secret';

export const ZImportText = z
  .string({ message: 'Choose a CSV file or paste its contents' })
  .min(1, 'Choose a CSV file or paste its contents')
  .max(MAX_IMPORT_BYTES, `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);

export const ZCommitOptions = z.object({ createMissing: z.boolean().default(false) });

/** An environment named in a cell (environments have no form of their own). */
const environmentName = z.string().trim().min(1, 'Enter the environment').max(100, 'Environment names are at most 100 characters');

const splitList = (v: unknown) => (typeof v === 'string' ? splitListCell(v) : v);

/** Spreadsheets capitalise words ("Critical"); the stored values are lower-case. */
const lowerCase = (v: unknown) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { message: `Use one of: ${values.join(', ')}` });

// The form sends dates from a date picker; a spreadsheet may hold "03/04/2026", which
// means different days in different countries, so the file must say year-month-day.
const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}(?:[T ]\S+)?$/;
const ZCsvDate = z
  .preprocess(blankToUndefined, z.string().trim().regex(ISO_DATE_START, 'Use year-month-day, like 2026-01-31').optional())
  // ZPastDate accepts unknown input; the cast only tells pipe() that strings are fine.
  .pipe(ZPastDate as z.ZodType<Date | undefined, string | undefined>);

export const ZImportRow = z.object({
  name: ZSecretName,
  environment: environmentName,
  // Teams and systems the file names may be created, so they follow the Teams and
  // Systems forms' name rules.
  owner: ZTeamInput.shape.name,
  consumers: z.preprocess(splitList, z.array(ZSystemInput.shape.name).max(500, 'At most 500 consuming systems').default([])),
  classification: z.preprocess(lowerCase, oneOf(CLASSIFICATIONS)),
  lastRotatedAt: ZCsvDate,
  rotationIntervalDays: ZRotationInterval,
  providerKind: z.preprocess(lowerCase, oneOf(PROVIDER_KINDS).default('other')),
  providerRef: ZSecretInput.shape.providerRef,
  description: ZSecretInput.shape.description,
  status: z.preprocess(lowerCase, oneOf(SECRET_STATUSES).default('active')),
  contactPerson: ZSecretInput.shape.contactPerson,
  tags: z.preprocess(splitList, ZTags).default([]),
});

export type TImportRow = z.infer<typeof ZImportRow>;
