import { describe, expect, it } from 'vitest';
import { InputError } from '@/lib/errors';
import { catalogListHref, parseSystemListQuery, parseTeamListQuery, ZSystemId, ZSystemInput, ZTeamId } from './catalog';
import { parseInput } from './parse';

describe('catalog list queries from the URL', () => {
  it('drops malformed filters instead of failing the page', () => {
    expect(parseSystemListQuery({ q: '  api ', owner: 'not-a-uuid', status: 'paused', size: '5000', after: ['c1', 'c2'] })).toEqual({
      q: 'api',
      owner: undefined,
      status: undefined,
      size: 50,
      after: 'c1',
    });
    expect(parseTeamListQuery({ q: '   ' })).toEqual({ q: undefined, size: 50, after: undefined });
  });

  it('builds short links, leaving out empty values and the default size', () => {
    expect(catalogListHref('/systems', { q: 'a b', owner: undefined, status: '', size: 50 })).toBe('/systems?q=a+b');
    expect(catalogListHref('/teams', { size: 50 })).toBe('/teams');
  });
});

describe('action id arguments', () => {
  it('read a malformed id as "does not exist"', () => {
    expect(() => parseInput(ZTeamId, '1 OR 1=1')).toThrow(new InputError('This team does not exist.'));
    expect(() => parseInput(ZSystemId, undefined)).toThrow(InputError);
    expect(parseInput(ZSystemId, '0f1a2b4c-2566-42e2-8dcd-d408c365ef6d')).toBe('0f1a2b4c-2566-42e2-8dcd-d408c365ef6d');
  });
});

describe('system names', () => {
  const system = (name: string) => ZSystemInput.safeParse({ name, ownerTeamId: '0f1a2b4c-2566-42e2-8dcd-d408c365ef6d' });

  it('cannot hold "," or ";", which separate systems in a CSV cell', () => {
    for (const name of ['email-assistant, web-api', 'a;b', 'trailing,']) {
      const result = system(name);
      expect(result.success, name).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual(['System names cannot contain "," or ";": they separate systems in a CSV file']);
    }
  });

  it('take other punctuation and spaces', () => {
    for (const name of ['email-assistant', 'Checkout API (v2)', 'billing.worker/eu']) {
      expect(system(name).success, name).toBe(true);
    }
  });
});
