// Input rules for the leak check's HTTP calls (app/api/leak-check): starting a scan, a
// batch of candidates from the CLI, finishing. Messages never repeat the input (a
// candidate is a possible secret value).
import { z } from 'zod';

/** Candidates (and pattern hits) one batch may carry; the body is at most MAX_LEAK_BATCH_BYTES. */
export const MAX_BATCH_CANDIDATES = 5000;
export const MAX_CANDIDATE_CHARS = 4096;

export const LEAK_SEVERITIES = ['current_value', 'previous_value', 'pattern'] as const;
export const ZLeakSeverity = z.enum(LEAK_SEVERITIES);

export const ZLeakScanStart = z.object({
  kind: z.enum(['paste', 'upload', 'git_bundle', 'cli'], 'Unknown kind of scan'),
  label: z
    .string('Name what is scanned')
    .trim()
    .max(200, 'Keep the name under 200 characters')
    .transform((s) => s || 'unnamed'),
});
export type TLeakScanStart = z.infer<typeof ZLeakScanStart>;

const ZWhere = {
  path: z.string('A path is text').max(1000, 'A path is at most 1000 characters').default(''),
  line: z.number().int().min(1).max(100_000_000).nullish().default(null),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/i, 'A commit is a hex object id')
    .nullish()
    .default(null),
  authorDate: z.iso.datetime({ offset: true, message: 'An author date is an ISO date and time' }).nullish().default(null),
  preview: z.string('A preview is text').max(300, 'A preview is at most 300 characters'),
};

export const ZLeakBatch = z.object({
  candidates: z
    .array(z.object({ text: z.string('A candidate is text').min(1).max(MAX_CANDIDATE_CHARS, 'A candidate is at most 4096 characters'), ...ZWhere }))
    .max(MAX_BATCH_CANDIDATES, `At most ${MAX_BATCH_CANDIDATES} candidates per batch`)
    .default([]),
  patterns: z
    .array(z.object({ ruleId: z.string('A rule id is text').min(1).max(200), ...ZWhere }))
    .max(MAX_BATCH_CANDIDATES, `At most ${MAX_BATCH_CANDIDATES} pattern hits per batch`)
    .default([]),
  // Running totals of the scan so far (what the CLI has read), not this batch's share.
  progress: z
    .object({
      bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      files: z.number().int().min(0).max(2_000_000_000).default(0),
      commits: z.number().int().min(0).max(2_000_000_000).default(0),
    })
    .default({ bytes: 0, files: 0, commits: 0 }),
});
export type TLeakBatch = z.infer<typeof ZLeakBatch>;

export const ZLeakFinish = z.object({
  status: z.enum(['completed', 'failed'], 'A scan finishes completed or failed'),
  error: z.string().trim().max(500, 'Keep the error under 500 characters').optional(),
});

/** The scan page's filter and page. */
export const ZLeakFindingQuery = z.object({
  severity: z.preprocess((v) => (v === '' ? undefined : v), ZLeakSeverity.optional()).catch(undefined),
  cursor: z.string().max(400).optional().catch(undefined),
});
