// ListSecrets filter matching for the AWS Secrets Manager emulator, kept apart from the
// store because the rules are fiddly (cloud-apis.md A.3): name/tag-key/tag-value are
// case-sensitive prefix matches, description and `all` match word prefixes case-insensitively,
// `!` negates a value, values within one filter are ORed and separate filters are ANDed.

export interface FilterableSecret {
  name: string;
  description?: string;
  tags: { Key: string; Value: string }[];
  primaryRegion?: string;
  owningService?: string;
}

export const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface ListFilter {
  Key: FilterKey;
  Values: string[];
}

/** Words as the service sees them: split on blanks and the name punctuation, then camelCase
 *  ("SecretOne" is "Secret" + "One", so "ret" matches neither). */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s/_+=.@-]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .filter((word) => word.length > 0);
}

function prefixMatch(pattern: string, attributes: string[]): boolean {
  return attributes.some((attribute) => attribute.startsWith(pattern));
}

/** Every word of the pattern must start some word of some attribute, ignoring case. */
function wordPrefixMatch(pattern: string, attributes: string[]): boolean {
  const patternWords = splitWords(pattern.toLowerCase());
  if (patternWords.length === 0) return false;
  const words = attributes.flatMap((attribute) => splitWords(attribute)).map((word) => word.toLowerCase());
  return patternWords.every((p) => words.some((word) => word.startsWith(p)));
}

function attributesFor(key: FilterKey, secret: FilterableSecret): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description ? [secret.description] : [];
    case 'tag-key':
      return secret.tags.map((tag) => tag.Key);
    case 'tag-value':
      return secret.tags.map((tag) => tag.Value);
    case 'primary-region':
      return secret.primaryRegion ? [secret.primaryRegion] : [];
    case 'owning-service':
      return secret.owningService ? [secret.owningService] : [];
    case 'all':
      return [secret.name, ...(secret.description ? [secret.description] : []), ...secret.tags.flatMap((t) => [t.Key, t.Value])];
  }
}

function valueMatches(key: FilterKey, value: string, attributes: string[]): boolean {
  const negated = value.startsWith('!');
  const pattern = negated ? value.slice(1) : value;
  const hit = key === 'description' || key === 'all' ? wordPrefixMatch(pattern, attributes) : prefixMatch(pattern, attributes);
  // A negated value keeps the secrets where no attribute matches the rest of the value.
  return negated ? !hit : hit;
}

export function secretMatches(secret: FilterableSecret, filters: ListFilter[]): boolean {
  return filters.every((filter) => {
    const attributes = attributesFor(filter.Key, secret);
    return filter.Values.some((value) => valueMatches(filter.Key, value, attributes));
  });
}
