'use client';
// The secret form's picker for many consuming systems, as chips (the one-system picker and
// the parts both share: system-combobox.tsx).
import { useRef, useState } from 'react';
import { Field } from '@/components/ui/field';
import { liveMessage, OptionList, useComboboxKeys, useSystemSearch, type SystemOption, type SystemSearch } from './system-combobox';

/** Many systems, as chips; each chosen id is submitted as a repeated hidden input. */
export function SystemMultiSelect({
  name,
  label,
  hint,
  errors,
  initial,
  search,
}: {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
  initial: SystemOption[];
  search: SystemSearch;
}) {
  const [selected, setSelected] = useState<SystemOption[]>(initial);
  const [query, setQuery] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  function toggle(option: SystemOption) {
    const has = selected.some((s) => s.id === option.id);
    setSelected(has ? selected.filter((s) => s.id !== option.id) : [...selected, option]);
    setAnnouncement(`${option.name} ${has ? 'removed' : 'added'}.`);
  }

  const [open, setOpen] = useState(false);
  const { options, loading, error } = useSystemSearch(search, query, open);
  const keys = useComboboxKeys(open, setOpen, options, toggle, () => setOpen(false), query);

  return (
    <Field label={label} name={name} hint={hint} errors={errors}>
      {(a11y) => (
        <div>
          {selected.length > 0 && (
            <ul aria-label={`Chosen ${label.toLowerCase()}`} className="mb-2 flex flex-wrap gap-1.5">
              {selected.map((s) => (
                <li
                  key={s.id}
                  className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-2.5 text-sm text-slate-800 ring-1 ring-inset ring-slate-300"
                >
                  {s.name}
                  <button
                    type="button"
                    onClick={() => {
                      toggle(s);
                      inputRef.current?.focus();
                    }}
                    className="rounded-full p-0.5 text-slate-500 hover:bg-slate-200 hover:text-slate-900"
                  >
                    <span className="sr-only">Remove {s.name}</span>
                    <svg aria-hidden viewBox="0 0 16 16" className="size-3.5 fill-current">
                      <path d="M4.3 3.2 8 6.9l3.7-3.7 1.1 1.1L9.1 8l3.7 3.7-1.1 1.1L8 9.1l-3.7 3.7-1.1-1.1L6.9 8 3.2 4.3z" />
                    </svg>
                  </button>
                  <input type="hidden" name={name} value={s.id} data-multiple />
                </li>
              ))}
            </ul>
          )}
          <div className="relative">
            <input
              ref={inputRef}
              {...a11y}
              {...keys.inputProps}
              placeholder={selected.length ? 'Add another system…' : 'Search systems…'}
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setAnnouncement('');
                setOpen(true);
              }}
              onClick={() => setOpen(true)}
              onBlur={() => setOpen(false)}
              onKeyDown={(event) => {
                // Enter picks from the list; it never submits the whole form from here.
                if (event.key === 'Enter') event.preventDefault();
                keys.onKeyDown(event);
              }}
            />
            {open && (
              <OptionList
                id={keys.listId}
                options={options}
                active={keys.active}
                isSelected={(o) => selected.some((s) => s.id === o.id)}
                onChoose={toggle}
                onHover={keys.setActive}
                multiple
                loading={loading}
                error={error}
              />
            )}
          </div>
          <p className="sr-only" aria-live="polite">
            {announcement || liveMessage(open, loading, options.length)}
          </p>
        </div>
      )}
    </Field>
  );
}
