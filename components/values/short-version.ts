/** AWS version ids are UUIDs: the first block is enough to tell them apart on screen. */
export function shortVersion(versionId: string): string {
  return /^[0-9a-f]{8}-/.test(versionId) ? versionId.slice(0, 8) : versionId;
}
