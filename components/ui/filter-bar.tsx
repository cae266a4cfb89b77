// The filter bar above a list: a plain GET form (works without JavaScript) with labelled
// search and select controls, an apply button and, once something is filtered, a link
// that clears it. The bigger grid forms (Inventory, Rotation) share FilterActions.
import Link from 'next/link';
import { Button, buttonClass } from './button';
import { controlClass, SelectOptions, type SelectOption } from './field';

export function FilterBar({
  action,
  label,
  submitLabel = 'Apply filters',
  clear,
  children,
}: {
  action: string;
  /** The search landmark's name, e.g. "Filter systems". */
  label?: string;
  submitLabel?: string;
  /** Shown while something is filtered: the link back to the whole list. */
  clear?: { href: string; label: string };
  children: React.ReactNode;
}) {
  return (
    <form method="get" action={action} role="search" aria-label={label} className="mb-4 flex flex-wrap items-end gap-3">
      {children}
      <Button type="submit" variant="secondary">
        {submitLabel}
      </Button>
      {clear && (
        <Link href={clear.href} className="px-2 py-2 text-sm font-medium text-accent-700 hover:underline">
          {clear.label}
        </Link>
      )}
    </form>
  );
}

/** A labelled control in a FilterBar, at a fixed width so the bar wraps tidily. */
function FilterCell({ id, label, width, children }: { id: string; label: string; width: string; children: React.ReactNode }) {
  return (
    <div className={width}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
    </div>
  );
}

type CellProps = { id: string; label: string; value?: string; width?: string };

/** A search box in a FilterBar. */
export function FilterSearch({ id, label, name = 'q', value, width = 'w-64' }: CellProps & { name?: string }) {
  return (
    <FilterCell id={id} label={label} width={width}>
      <input id={id} name={name} type="search" defaultValue={value ?? ''} className={controlClass} autoComplete="off" />
    </FilterCell>
  );
}

/** A select in a FilterBar whose first option ("Any …") means no filter. */
export function FilterSelect({
  id,
  label,
  name,
  value,
  anyLabel,
  options,
  width = 'w-48',
}: CellProps & { name: string; anyLabel: string; options: SelectOption[] }) {
  return (
    <FilterCell id={id} label={label} width={width}>
      <select id={id} name={name} defaultValue={value ?? ''} className={controlClass}>
        <SelectOptions options={options} placeholder={anyLabel} />
      </select>
    </FilterCell>
  );
}

/** The end of a grid filter form: clear (while filtered) and apply. */
export function FilterActions({ filtered, clearHref, className }: { filtered: boolean; clearHref: string; className: string }) {
  return (
    <div className={className}>
      {filtered && (
        <Link href={clearHref} className={buttonClass('ghost')}>
          Clear filters
        </Link>
      )}
      <Button type="submit">Apply filters</Button>
    </div>
  );
}
