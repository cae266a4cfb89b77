// The page around a team's or system's edit form: back to the record, and for roles that
// may only read the catalog, why there is no form.
import { FormPage } from '@/components/forms/form-page';

export function CatalogEditPage({
  noun,
  record,
  allowed,
  children,
}: {
  noun: 'team' | 'system';
  record: { id: string; name: string };
  allowed: boolean;
  children: React.ReactNode;
}) {
  return (
    <FormPage
      back={{ href: `/${noun}s/${record.id}`, label: record.name }}
      title={`Edit ${noun}`}
      allowed={allowed}
      denied={{ tone: 'info', message: `Your role can view ${noun}s but not change them. Ask an engineer or an administrator.` }}
    >
      {children}
    </FormPage>
  );
}
