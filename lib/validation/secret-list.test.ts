import { describe, expect, it } from 'vitest';
import { parseSecretListQuery, secretListLinks } from './secret-list';

describe('secretListLinks', () => {
  it('links a sort header to its reverse once active, and says which way the list is sorted', () => {
    const byName = secretListLinks(parseSecretListQuery({ q: 'db' }), null);
    expect(byName.sortByName).toEqual({ href: '/inventory?q=db&sort=-name', state: 'ascending' });
    expect(byName.sortByDue).toEqual({ href: '/inventory?q=db&sort=due', state: undefined });
    const reversed = secretListLinks(parseSecretListQuery({ q: 'db', sort: '-name' }), null);
    expect(reversed.sortByName).toEqual({ href: '/inventory?q=db', state: 'descending' });
  });

  it('toggles the quick filters and keeps the rest of the view', () => {
    const links = secretListLinks(parseSecretListQuery({ env: 'production', due: 'overdue' }), null);
    expect(links.due.overdue).toEqual({ href: '/inventory?env=production', applied: true });
    expect(links.due.soon).toEqual({ href: '/inventory?env=production&due=soon', applied: false });
  });

  it('pages on from the cursor, back to the first page without it, and exports the whole view', () => {
    const links = secretListLinks(parseSecretListQuery({ q: 'db', size: '25', after: 'c1' }), 'c2');
    expect(links).toMatchObject({
      filtered: true,
      laterPage: true,
      first: '/inventory?q=db&size=25',
      next: '/inventory?q=db&size=25&after=c2',
      export: '/api/export/inventory?q=db',
      clear: '/inventory?size=25',
      withDecommissioned: '/inventory?q=db&size=25&status=any',
    });
    expect(secretListLinks(parseSecretListQuery({}), null)).toMatchObject({ filtered: false, laterPage: false, next: null });
  });
});
