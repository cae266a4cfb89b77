// Words and tones for connection kinds, shared by the settings pages and the secret form.
// No zod here: client components import it, and zod would trip the Content-Security-Policy.
import type { ConnectionKind } from '@/generated/prisma/enums';
import type { Tone } from '@/components/ui/badge';

export const CONNECTION_KIND_LABELS: Record<ConnectionKind, string> = {
  aws: 'AWS Secrets Manager',
  gcp: 'GCP Secret Manager',
  local: 'Local development provider',
};

export const CONNECTION_KIND_SHORT: Record<ConnectionKind, string> = { aws: 'AWS', gcp: 'GCP', local: 'Local' };

export const CONNECTION_KIND_TONES: Record<ConnectionKind, Tone> = { aws: 'amber', gcp: 'blue', local: 'violet' };

/** How each kind gets its credentials: nothing is stored by the dashboard. */
export const CREDENTIALS_NOTE =
  'The dashboard stores no cloud credentials: AWS connections use the SDK’s default credential chain (instance or task role, web identity) and can assume a role you name, GCP connections use Application Default Credentials (workload identity or the attached service account).';
