import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { INVENTORY_COLUMNS, MAX_IMPORT_ROWS, REQUIRED_ON_IMPORT, type InventoryColumnKey } from '@/lib/export/csv/inventory-columns';
import { listEnvironments } from '@/lib/data/catalog';
import { ImportClient } from './import-client';

export const metadata: Metadata = { title: 'Import CSV' };

// What each column accepts, for people preparing a spreadsheet (every column but Next Due,
// which import ignores).
const COLUMN_HELP: Partial<Record<InventoryColumnKey, string>> = {
  name: 'Letters, digits, spaces and . _ / : + = @ - (up to 200 characters). Unique per environment.',
  environment: 'The name of an existing environment.',
  owner: 'Team name. A team that does not exist yet is created.',
  consumers: 'System names separated by ";" or ",". New systems are created, owned by the row’s team.',
  classification: 'critical, important or sensitive.',
  lastRotatedAt: 'Year-month-day, like 2026-01-31. Leave empty if never rotated.',
  rotationIntervalDays: 'Whole number of days (1 to 3650). Empty means no rotation policy.',
  providerKind: 'aws, gcp, local or other (the default).',
  providerRef: 'Where the value lives, such as an ARN or resource name.',
  description: 'Free text, up to 2000 characters.',
  status: 'active (the default), compromised, deprecated or decommissioned.',
  contactPerson: 'A person to ask about this secret.',
  tags: 'Lower-case tags separated by ";" or ",", like pci; database.',
};

const REQUIRED = new Set<InventoryColumnKey>(REQUIRED_ON_IMPORT);

export default async function ImportPage() {
  const caller = await requireSignedIn();
  if (!can(caller.user.role, 'inventory.import')) {
    return (
      <>
        <PageHeader title="Import from CSV" />
        <div className="space-y-4">
          <Alert tone="info">Only engineers and administrators can import secrets. Ask one of them to import your file.</Alert>
          {can(caller.user.role, 'inventory.export') && (
            <a href="/api/export/inventory" className={buttonClass('secondary')} download>
              Export the inventory as CSV instead
            </a>
          )}
        </div>
      </>
    );
  }
  const environments = await listEnvironments(caller);

  return (
    <>
      <PageHeader
        title="Import from CSV"
        description="Move a spreadsheet of secrets into the inventory. Nothing is saved until you have checked the preview and confirmed."
        actions={
          <>
            <a href="/inventory/import/template" className={buttonClass('secondary')} download>
              Download template
            </a>
            <a href="/api/export/inventory" className={buttonClass('secondary')} download>
              Export current inventory
            </a>
          </>
        }
      />
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,1fr)_22rem]">
        <ImportClient />
        <Card title="What the file should contain" className="self-start">
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              One row per secret, with a header row naming the columns (any order, any capitalisation). Up to {MAX_IMPORT_ROWS.toLocaleString('en-US')} rows and
              5 MB; save as <span className="font-medium">CSV UTF-8</span>. Import only creates secrets: names that already exist in an environment are
              reported, not changed.
            </p>
            <p>
              Environments: <span className="font-medium">{environments.map((e) => e.name).join(', ') || 'none yet'}</span>.
            </p>
            <dl className="grid gap-x-8 sm:grid-cols-2 2xl:grid-cols-1">
              {(Object.entries(COLUMN_HELP) as [InventoryColumnKey, string][]).map(([key, accepts]) => (
                <div key={key} className="border-t border-slate-100 py-2">
                  <dt className="font-medium text-slate-900">
                    {INVENTORY_COLUMNS[key]}
                    {REQUIRED.has(key) && <span className="ml-1.5 text-xs font-normal text-red-700">required</span>}
                  </dt>
                  <dd className="text-slate-600">{accepts}</dd>
                </div>
              ))}
            </dl>
            <p className="text-slate-600">Other columns, and the Next Due column of an export, are ignored.</p>
          </div>
        </Card>
      </div>
    </>
  );
}
