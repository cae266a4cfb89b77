// Input rules for incident response.
import { z } from 'zod';
import { blankToUndefined } from './parse';

export const ZMarkCompromised = z.object({
  reason: z.string().trim().min(3, 'Say briefly what happened (at least 3 characters)').max(1000, 'Keep the reason under 1000 characters'),
  graceHours: z.preprocess(
    blankToUndefined,
    z.coerce.number({ message: 'Enter a whole number of hours' }).int('Enter a whole number of hours').min(0).max(168, 'At most 168 hours').optional(),
  ),
  // The leak-check finding the incident is opened from (it must be a finding of this secret).
  leakFindingId: z.preprocess(blankToUndefined, z.uuid('This finding does not exist.').optional()),
});

export const ZIncidentStepCheck = z.object({
  step: z.enum(['revoke', 'replace', 'redeploy', 'review_access', 'notify', 'write_up'], 'Unknown checklist step'),
  note: z.string().trim().max(500, 'Keep the note under 500 characters').default(''),
});
