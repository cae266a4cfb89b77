// Reading the OpenAPI document's JSON Schemas for people: a short type ("string (uuid),
// nullable", "array of object") and the fields of an object body, one row each.
export type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  $ref?: string;
};

export type FieldRow = { name: string; type: string; required: boolean; description: string };

export function typeText(schema: JsonSchema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return schema.$ref.split('/').at(-1) ?? 'object';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const nullable = variants.some((v) => v.type === 'null');
    const rest = variants.filter((v) => v.type !== 'null').map(typeText);
    return `${[...new Set(rest)].join(' or ')}${nullable ? ', nullable' : ''}`;
  }
  if (schema.allOf) return 'object';
  if (schema.type === 'array') return `array of ${typeText(schema.items)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

/** Limits and defaults worth a person's attention, as a phrase. */
function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) parts.push(`${schema.minimum} to ${schema.maximum}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join('; ');
}

/** The fields of an object schema (an allOf or a discriminated union's variants merged), one row each. */
export function fieldRows(schema: JsonSchema | undefined): FieldRow[] {
  if (!schema) return [];
  const parts = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (parts && !schema.properties) {
    const rows = new Map<string, FieldRow>();
    for (const part of parts)
      for (const row of fieldRows(part)) if (!rows.has(row.name)) rows.set(row.name, { ...row, required: schema.allOf ? row.required : false });
    return [...rows.values()];
  }
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeText(property),
    required: (schema.required ?? []).includes(name),
    description: [property.description, constraints(property)].filter(Boolean).join('; '),
  }));
}
