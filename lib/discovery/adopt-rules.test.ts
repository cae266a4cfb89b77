import { describe, expect, it } from 'vitest';
import { parseNamePatterns, ZAdoptionRules } from '@/lib/validation/unmanaged';
import { catalogLookup, compileRules, resolveRow } from './adopt-rules';

const teams = [
  { id: 't1', name: 'Payments Team' },
  { id: 't2', name: 'Platform' },
  { id: 't3', name: 'payments-team' }, // normalises like t1: only an exact match may pick one
];
const environments = [
  { id: 'e1', name: 'production' },
  { id: 'e2', name: 'staging' },
];
const systems = [
  { id: 's1', name: 'Checkout API' },
  { id: 's2', name: 'ledger' },
];
const lookups = { team: catalogLookup(teams), environment: catalogLookup(environments), system: catalogLookup(systems) };
const noFallbacks = { team: null, environment: null };

const rules = (extra: Record<string, unknown> = {}) =>
  compileRules(ZAdoptionRules.parse({ teamLabel: 'owner', environmentLabel: 'env', classificationLabel: 'class', systemsLabel: 'consumers', ...extra }));

describe('parseNamePatterns', () => {
  it('reads globs and assignments, skipping comments and blank lines', () => {
    const { patterns, problems } = parseNamePatterns('# ours\n\nprod/* => team=Platform, environment=production\n*-key => systems=ledger+Checkout API');
    expect(problems).toEqual([]);
    expect(patterns).toEqual([
      { line: 3, glob: 'prod/*', set: { team: 'Platform', environment: 'production' } },
      { line: 4, glob: '*-key', set: { systems: 'ledger+Checkout API' } },
    ]);
  });

  it('names the line and the problem', () => {
    expect(parseNamePatterns('prod/*').problems).toEqual(['Line 1: write a pattern, then =>, then what it sets (team=…, environment=…)']);
    expect(parseNamePatterns('x => owner=Platform').problems).toEqual(['Line 1: "owner" is not one of team, environment, classification, systems']);
    expect(parseNamePatterns('x => team=').problems).toEqual(['Line 1: give team a value (up to 200 characters)']);
    expect(parseNamePatterns(' => team=a').problems[0]).toMatch(/^Line 1: the pattern before => is empty/);
  });
});

describe('resolveRow', () => {
  it('takes a pattern before a label before the fallback, and says which', () => {
    const compiled = rules({ namePatterns: 'legacy/* => team=Platform', classificationFallback: 'important' });
    const fallbacks = { team: teams[1], environment: environments[1] };
    const byPattern = resolveRow({ providerKey: 'legacy/db', labels: { owner: 'Payments Team', env: 'production' } }, compiled, lookups, fallbacks);
    expect(byPattern.team).toMatchObject({ id: 't2', source: { kind: 'pattern', line: 1 } });
    expect(byPattern.environment).toMatchObject({ id: 'e1', source: { kind: 'label', key: 'env' } });
    expect(byPattern.classification).toEqual({ value: 'important', source: { kind: 'fallback' } });
    const byFallback = resolveRow({ providerKey: 'new/db', labels: {} }, compiled, lookups, fallbacks);
    expect(byFallback.team).toMatchObject({ id: 't2', source: { kind: 'fallback' } });
    expect(byFallback.errors).toEqual([]);
  });

  it('matches names as cloud labels write them, unless two names would match', () => {
    const r = resolveRow(
      { providerKey: 'a', labels: { owner: 'Platform', env: 'production', class: 'critical', consumers: 'checkout_api;ledger' } },
      rules(),
      lookups,
      noFallbacks,
    );
    expect(r.systems.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(r.errors).toEqual([]);
    const ambiguous = resolveRow({ providerKey: 'a', labels: { owner: 'payments_team', env: 'production', class: 'critical' } }, rules(), lookups, noFallbacks);
    expect(ambiguous.errors).toEqual(['Team "payments_team" (tag or label "owner") matches more than one team']);
    const exact = resolveRow({ providerKey: 'a', labels: { owner: 'payments-team', env: 'production', class: 'critical' } }, rules(), lookups, noFallbacks);
    expect(exact.team?.id).toBe('t3');
  });

  it('reports every field that cannot be resolved', () => {
    const r = resolveRow({ providerKey: 'a', labels: { owner: 'Nobody', class: 'secret', consumers: 'ghost' } }, rules(), lookups, noFallbacks);
    expect(r.errors).toEqual([
      'Team "Nobody" (tag or label "owner") is not a team here',
      'No environment: the secret has no "env" tag or label and no fallback is chosen',
      'Classification "secret" (tag or label "class") is not one of critical, important, sensitive',
      'System "ghost" (tag or label "consumers") is not a system here',
    ]);
  });
});
