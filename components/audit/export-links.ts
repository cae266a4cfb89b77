// Where the auditor export buttons point: the audit trail's exports and the provider
// access-history exports, for a filter query string. Plain module: server pages build
// the links, the client buttons fetch them.
export type ExportLink = {
  label: string;
  href: string;
  /** The file name when the response does not name one. */
  fileName: string;
  primary?: boolean;
};

/** `?a=1&b=2` appended to a path, or nothing. */
const withQuery = (path: string, query: string) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);

/** The audit trail's exports for a filter query string (no leading "?"). */
export function auditExportLinks(filters: string): ExportLink[] {
  return [
    { label: 'Export CSV', href: withQuery('/api/export/audit?format=csv', filters), fileName: 'audit-events.csv' },
    { label: 'Export JSON Lines', href: withQuery('/api/export/audit?format=jsonl', filters), fileName: 'audit-events.jsonl' },
    { label: 'Evidence bundle', href: withQuery('/api/export/audit/bundle', filters), fileName: 'evidence-bundle.zip', primary: true },
  ];
}

/** Provider access-history exports for a filter query string (no leading "?"). */
export function accessExportLinks(filters: string): ExportLink[] {
  return [
    { label: 'Access history CSV', href: withQuery('/api/export/access?format=csv', filters), fileName: 'access-events.csv' },
    { label: 'Access history JSON Lines', href: withQuery('/api/export/access?format=jsonl', filters), fileName: 'access-events.jsonl' },
  ];
}
