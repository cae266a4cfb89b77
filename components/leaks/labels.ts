// Words for the leak check's states, shared by its pages, the secret page's panel and the incident page.
import type { Tone } from '@/components/ui/badge';

export type LeakSeverityName = 'current_value' | 'previous_value' | 'pattern';

export const SEVERITY_LABELS: Record<LeakSeverityName, string> = {
  current_value: 'Current value',
  previous_value: 'Previous value',
  pattern: 'Unknown credential (pattern)',
};

export const SEVERITY_TONES: Record<LeakSeverityName, Tone> = { current_value: 'red', previous_value: 'amber', pattern: 'violet' };

export const SCAN_KIND_LABELS: Record<'paste' | 'upload' | 'git_bundle' | 'cli', string> = {
  paste: 'Pasted text',
  upload: 'Uploaded file',
  git_bundle: 'Git bundle',
  cli: 'Command line',
};

export const SCAN_STATUS_TONES: Record<'running' | 'completed' | 'failed', Tone> = { running: 'blue', completed: 'green', failed: 'red' };
export const SCAN_STATUS_LABELS: Record<'running' | 'completed' | 'failed', string> = { running: 'Running', completed: 'Completed', failed: 'Failed' };
