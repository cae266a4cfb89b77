// The inventory's CSV layout, shared by import, export, the template and the import
// page: header names in file order, which columns import requires, and the file limits.
// No zod or server code here, so the browser can use the limits too.

export const INVENTORY_COLUMNS = {
  name: 'Secret Name',
  environment: 'Environment',
  owner: 'Owner',
  consumers: 'Consuming Systems',
  classification: 'Classification',
  lastRotatedAt: 'Last Rotated',
  rotationIntervalDays: 'Rotation Interval (days)',
  providerKind: 'Provider',
  providerRef: 'Provider Reference',
  description: 'Description',
  status: 'Status',
  contactPerson: 'Contact Person',
  tags: 'Tags',
  nextDueAt: 'Next Due',
} as const;

export type InventoryColumnKey = keyof typeof INVENTORY_COLUMNS;

/** Export order (object key order above). */
export const EXPORT_KEYS = Object.keys(INVENTORY_COLUMNS) as InventoryColumnKey[];
export const EXPORT_HEADER = EXPORT_KEYS.map((key) => INVENTORY_COLUMNS[key]);

/** Computed by the server; accepted in a file (so an export re-imports cleanly) but ignored. */
export const IGNORED_ON_IMPORT: readonly InventoryColumnKey[] = ['nextDueAt'];
export const REQUIRED_ON_IMPORT: readonly InventoryColumnKey[] = ['name', 'environment', 'owner', 'classification'];

/** Separator written between several systems or tags inside one cell (exports). */
export const LIST_SEPARATOR = ';';

/**
 * Separators read between systems or tags inside one cell: spreadsheets hold both
 * "a; b" and "a, b". Neither can appear in a system name or a tag, so nothing is lost.
 */
export const LIST_SEPARATORS = /[;,]/;

/** A list cell as its items: split on either separator, trimmed, blanks dropped. */
export function splitListCell(cell: string): string[] {
  return cell
    .split(LIST_SEPARATORS)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

/** Header matching ignores case and surrounding spaces ("  secret name " = "Secret Name"). */
export function normalizeHeader(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The example row in the downloadable template, in EXPORT_KEYS order minus Next Due. */
export const TEMPLATE_EXAMPLE: Partial<Record<InventoryColumnKey, string>> = {
  name: 'payments-db-password',
  environment: 'production',
  owner: 'Payments',
  consumers: 'checkout-api; billing-worker',
  classification: 'critical',
  lastRotatedAt: '2026-01-15',
  rotationIntervalDays: '90',
  providerKind: 'aws',
  providerRef: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments/db',
  description: 'Primary PostgreSQL password for the payments database',
  status: 'active',
  contactPerson: 'Jane Doe',
  tags: 'pci; database',
};
