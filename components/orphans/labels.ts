// The Orphans report's words: section names, what each one lists, and why a secret has no access data.
import type { LogsState } from '@/lib/data/sql/orphans';
import type { OrphanSection } from '@/lib/validation/orphans';

export const SECTION_LABELS: Record<OrphanSection, string> = {
  unconsumed: 'No declared consumers',
  unread: 'Not read',
  silent: 'Consumers that never read',
  undeclared: 'Undeclared readers',
};

export function sectionDescription(section: OrphanSection, days: number): string {
  switch (section) {
    case 'unconsumed':
      return 'Secrets no system is recorded as using. Riskiest first: by classification, then the oldest read.';
    case 'unread':
      return `Secrets not read in the last ${days} days, by the provider's access logs or its own last-accessed date (whichever is newer). Secrets without access data are listed last, marked as such.`;
    case 'silent':
      return `Declared consuming systems none of whose identities read the secret in the last ${days} days. Only secrets whose provider access logs are read can tell.`;
    case 'undeclared':
      return `Identities that read a secret in the last ${days} days but belong to none of its declared consuming systems.`;
  }
}

/** Why there is no access data for a secret (the Access tab's coverage notices, shortened). */
export const NO_DATA_REASONS: Record<Exclude<LogsState, 'ok'>, string> = {
  no_connection: 'No AWS or GCP connection, so no access logs are read',
  not_ingested: 'The access logs have not been read yet',
  data_access_off: 'Data Access logs look off for this GCP project',
};
