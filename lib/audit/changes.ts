// Before/after of changed metadata fields, as stored in audit_events.changes.
// Values are metadata only (names, owners, dates); secret values never pass here.

export type FieldChange = { before: unknown; after: unknown };
export type Changes = Record<string, FieldChange>;

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return [...value].map(normalize).sort();
  return value === undefined ? null : value;
}

/** The fields whose values differ between `before` (null for a create) and `after`. */
export function changedFields<T extends Record<string, unknown>>(before: Partial<T> | null, after: Partial<T>, fields: readonly (keyof T & string)[]): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const b = normalize(before?.[field]);
    const a = normalize(after[field]);
    if (JSON.stringify(b) !== JSON.stringify(a)) changes[field] = { before: before ? b : null, after: a };
  }
  return changes;
}
