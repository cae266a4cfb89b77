// How each connection kind is named in the Secrets Management tab.
export const CONNECTION_KIND_LABELS = {
  aws: 'AWS Secrets Manager',
  gcp: 'GCP Secret Manager',
  local: 'Local store (development only)',
} as const;

export type ConnectionKindName = keyof typeof CONNECTION_KIND_LABELS;

/** AWS version ids are UUIDs: the first block is enough to tell them apart on screen. */
export function shortVersion(versionId: string): string {
  return /^[0-9a-f]{8}-/.test(versionId) ? versionId.slice(0, 8) : versionId;
}
