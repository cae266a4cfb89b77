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

describe('system identities', () => {
  const identities = (principals: string) => ZSystemInput.safeParse({ name: 'orders-api', ownerTeamId: '0f1a2b4c-2566-42e2-8dcd-d408c365ef6d', principals });

  it('takes cloud principals and what a database session list shows: a client address or app:<application name>', () => {
    const parsed = identities('arn:aws:iam::123456789012:role/orders\norders@acme-prod.iam.gserviceaccount.com\n10.0.0.5\nfd00::5\napp:orders-api');
    expect(parsed.success && parsed.data.principals).toEqual([
      'arn:aws:iam::123456789012:role/orders',
      'orders@acme-prod.iam.gserviceaccount.com',
      '10.0.0.5',
      'fd00::5',
      'app:orders-api',
    ]);
  });

  it('refuses anything else, naming the forms', () => {
    for (const bad of ['orders-api', 'arn:aws:iam::bad', '10.0.0.300', 'app:', `app:${'x'.repeat(64)}`, 'app:\tx']) {
      const parsed = identities(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/database client address .* or app:<application name>/);
    }
  });
});
