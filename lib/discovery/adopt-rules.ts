// How a bulk adoption's mapping rules turn one discovered cloud secret into an inventory
// entry: owner team, environment, classification and consuming systems, each from (in
// this order) the first name pattern that sets it, the tag or label the rules name, or the
// fallback. Pure: the catalog comes in as data, so the preview and the commit resolve
// every row the same way and the rules can be tested without a database.
import type { Classification } from '@/generated/prisma/enums';
import { CLASSIFICATIONS } from '@/lib/validation/secret';
import { globToRegExp, parseNamePatterns, type PatternField, type TAdoptionRules } from '@/lib/validation/unmanaged';

export type Named = { id: string; name: string };
export type Catalog = { teams: Named[]; environments: Named[]; systems: Named[] };

/** Where a resolved field came from, as the preview says it. */
export type Source = { kind: 'pattern'; line: number } | { kind: 'label'; key: string } | { kind: 'fallback' };

export type Resolution = {
  team: (Named & { source: Source }) | null;
  environment: (Named & { source: Source }) | null;
  classification: { value: Classification; source: Source } | null;
  systems: Named[];
  errors: string[];
};

/**
 * Names compared as a cloud label could hold them: GCP label values are lower case with
 * only letters, digits, _ and -, so the team "Payments Team" arrives as "payments_team"
 * or "payments-team". An exact (case-insensitive) match wins over this looser one.
 */
const loose = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '_');

export function catalogLookup(items: Named[]) {
  const exact = new Map<string, Named>();
  const looser = new Map<string, Named[]>();
  for (const item of items) {
    exact.set(item.name.toLowerCase(), item);
    looser.set(loose(item.name), [...(looser.get(loose(item.name)) ?? []), item]);
  }
  return (name: string): Named | 'ambiguous' | undefined => {
    const hit = exact.get(name.trim().toLowerCase());
    if (hit) return hit;
    const candidates = looser.get(loose(name.trim())) ?? [];
    return candidates.length > 1 ? 'ambiguous' : candidates[0];
  };
}

type CompiledPattern = { line: number; test: RegExp; set: Partial<Record<PatternField, string>> };

export type CompiledRules = { rules: TAdoptionRules; patterns: CompiledPattern[] };

export function compileRules(rules: TAdoptionRules): CompiledRules {
  const { patterns } = parseNamePatterns(rules.namePatterns);
  return { rules, patterns: patterns.map((p) => ({ line: p.line, test: globToRegExp(p.glob), set: p.set })) };
}

export function resolveRow(
  row: { providerKey: string; labels: Record<string, string> },
  compiled: CompiledRules,
  lookups: { team: ReturnType<typeof catalogLookup>; environment: ReturnType<typeof catalogLookup>; system: ReturnType<typeof catalogLookup> },
  fallbacks: { team: Named | null; environment: Named | null },
): Resolution {
  const { rules, patterns } = compiled;
  const errors: string[] = [];
  const matching = patterns.filter((p) => p.test.test(row.providerKey));

  /** The raw text for a field, and where it came from; undefined when nothing sets it. */
  function pick(field: PatternField, labelKey: string | undefined): { text: string; source: Source } | undefined {
    const byPattern = matching.find((p) => p.set[field] !== undefined);
    if (byPattern) return { text: byPattern.set[field]!, source: { kind: 'pattern', line: byPattern.line } };
    if (labelKey && row.labels[labelKey] !== undefined && row.labels[labelKey].trim() !== '') {
      return { text: row.labels[labelKey], source: { kind: 'label', key: labelKey } };
    }
    return undefined;
  }

  function named(field: 'team' | 'environment', labelKey: string | undefined, noun: string): (Named & { source: Source }) | null {
    const picked = pick(field, labelKey);
    if (!picked) {
      const fallback = fallbacks[field];
      if (fallback) return { ...fallback, source: { kind: 'fallback' } };
      errors.push(labelKey ? `No ${noun}: the secret has no "${labelKey}" tag or label and no fallback is chosen` : `No ${noun}: choose a fallback or a rule`);
      return null;
    }
    const found = lookups[field](picked.text);
    if (found === 'ambiguous') errors.push(`${capital(noun)} "${picked.text}" (${sourceText(picked.source)}) matches more than one ${noun}`);
    else if (!found) errors.push(`${capital(noun)} "${picked.text}" (${sourceText(picked.source)}) is not a ${noun} here`);
    else return { ...found, source: picked.source };
    return null;
  }

  const team = named('team', rules.teamLabel, 'team');
  const environment = named('environment', rules.environmentLabel, 'environment');

  let classification: Resolution['classification'] = null;
  const pickedClass = pick('classification', rules.classificationLabel);
  if (pickedClass) {
    const value = pickedClass.text.trim().toLowerCase();
    if ((CLASSIFICATIONS as readonly string[]).includes(value)) classification = { value: value as Classification, source: pickedClass.source };
    else errors.push(`Classification "${pickedClass.text}" (${sourceText(pickedClass.source)}) is not one of ${CLASSIFICATIONS.join(', ')}`);
  } else if (rules.classificationFallback) {
    classification = { value: rules.classificationFallback, source: { kind: 'fallback' } };
  } else {
    errors.push('No classification: choose a fallback or a rule');
  }

  const systems: Named[] = [];
  const pickedSystems = pick('systems', rules.systemsLabel);
  for (const name of (pickedSystems?.text ?? '')
    .split(/[;+,]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const found = lookups.system(name);
    if (found === 'ambiguous') errors.push(`System "${name}" matches more than one system`);
    else if (!found) errors.push(`System "${name}" (${sourceText(pickedSystems!.source)}) is not a system here`);
    else if (!systems.some((s) => s.id === found.id)) systems.push(found);
  }

  return { team, environment, classification, systems, errors };
}

export function sourceText(source: Source): string {
  if (source.kind === 'pattern') return `name pattern on line ${source.line}`;
  if (source.kind === 'label') return `tag or label "${source.key}"`;
  return 'fallback';
}

const capital = (s: string) => s[0].toUpperCase() + s.slice(1);
