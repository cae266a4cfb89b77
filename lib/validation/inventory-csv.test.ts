import { describe, expect, it } from 'vitest';
import { splitListCell } from '@/lib/export/csv/inventory-columns';
import { ZImportRow } from './inventory-csv';

const row = (cells: Record<string, string>) => ({ name: 'db-password', environment: 'production', owner: 'Payments', classification: 'critical', ...cells });

describe('list cells in a CSV row', () => {
  it('split on ";" and on ",", trimmed, without blanks', () => {
    expect(splitListCell('email-assistant, web-api')).toEqual(['email-assistant', 'web-api']);
    expect(splitListCell('a;b')).toEqual(['a', 'b']);
    expect(splitListCell(' a ; b, c ,, ;')).toEqual(['a', 'b', 'c']);
    expect(splitListCell('')).toEqual([]);
    expect(splitListCell('one system')).toEqual(['one system']);
  });

  it('give one consuming system per name, whichever separator the spreadsheet used', () => {
    expect(ZImportRow.parse(row({ consumers: 'email-assistant, web-api' })).consumers).toEqual(['email-assistant', 'web-api']);
    expect(ZImportRow.parse(row({ consumers: 'checkout-api; billing-worker' })).consumers).toEqual(['checkout-api', 'billing-worker']);
    expect(ZImportRow.parse(row({ consumers: '' })).consumers).toEqual([]);
  });

  it('read tags the same way', () => {
    expect(ZImportRow.parse(row({ tags: 'pci, database; PCI' })).tags).toEqual(['pci', 'database']);
  });
});
