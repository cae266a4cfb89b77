'use client';
// A filter select in its grid cell. A client component although it has no behaviour: the
// filter form around it is one, so a server-rendered select would reach the browser as one
// serialized element per <option> (the owner team filter has one per team, 200 in the
// bench) and be parsed back for the HTML; as a client component only its options' data is
// serialized. An absent value shows the first option.
import { SelectField } from '@/components/ui/field';

export function SpanSelect({ span, value, ...select }: { span: string; value?: string } & Omit<React.ComponentProps<typeof SelectField>, 'defaultValue'>) {
  return (
    <div className={span}>
      <SelectField defaultValue={value ?? ''} {...select} />
    </div>
  );
}
