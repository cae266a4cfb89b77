'use client';
// Pickers for consuming systems. There are thousands, so instead of a <select> the
// person types and the server returns the first matches (ARIA 1.2 combobox pattern:
// focus stays in the text box, arrow keys move through the list, Enter chooses). The
// many-systems picker (system-multi-select.tsx) is a module of its own so that the
// Inventory's first load, which has only this one, does not ship it.
import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { controlClass } from '@/components/ui/field';

export type SystemOption = { id: string; name: string; status?: string };

/** What a filter shows for a system id that names no system. */
export const UNKNOWN_SYSTEM = 'Unknown system';
export type SystemSearch = (q: string) => Promise<{ ok: true; options: SystemOption[] } | { ok: false; error: string }>;

/** The first matches for `query`, fetched a moment after typing stops; stale replies are dropped. */
export function useSystemSearch(search: SystemSearch, query: string, enabled: boolean) {
  const [options, setOptions] = useState<SystemOption[]>([]);
  const [error, setError] = useState<string>();
  // The query whose answer is on screen: loading until it catches up with what is typed.
  const [answered, setAnswered] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const timer = setTimeout(() => {
      search(query)
        .then((result) => {
          if (!current) return;
          if (result.ok) {
            setOptions(result.options);
            setError(undefined);
          } else setError(result.error);
        })
        .catch(() => current && setError('Search did not reach the server. Try again.'))
        .finally(() => current && setAnswered(query));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, query, enabled]);

  return { options, loading: enabled && answered !== query, error };
}

type ListProps = {
  id: string;
  options: SystemOption[];
  active: number;
  isSelected: (option: SystemOption) => boolean;
  onChoose: (option: SystemOption) => void;
  onHover: (index: number) => void;
  multiple: boolean;
  loading: boolean;
  error?: string;
};

export function OptionList({ id, options, active, isSelected, onChoose, onHover, multiple, loading, error }: ListProps) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  return (
    <div className="absolute z-20 mt-1 w-full overflow-hidden rounded-md bg-white shadow-lg ring-1 ring-slate-200">
      <ul
        ref={listRef}
        id={id}
        role="listbox"
        aria-multiselectable={multiple || undefined}
        aria-label="Systems"
        className="max-h-64 overflow-auto py-1 text-sm"
      >
        {options.map((option, index) => {
          const selected = isSelected(option);
          return (
            <li
              key={option.id}
              id={`${id}-${index}`}
              data-index={index}
              role="option"
              aria-selected={selected}
              // mousedown would blur the text box before the click lands.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onChoose(option)}
              onMouseMove={() => onHover(index)}
              className={cn(
                'flex cursor-pointer items-center justify-between gap-3 px-3 py-2',
                index === active ? 'bg-accent-50 text-accent-800' : 'text-slate-800',
              )}
            >
              <span className="truncate">
                {option.name}
                {option.status === 'decommissioned' && <span className="ml-1.5 text-xs text-slate-500">(decommissioned)</span>}
              </span>
              {selected && (
                <svg aria-hidden viewBox="0 0 16 16" className="size-4 shrink-0 fill-current text-accent-600">
                  <path d="M6.2 11.6 2.9 8.3l1.1-1.1 2.2 2.2 5.8-5.8 1.1 1.1z" />
                </svg>
              )}
            </li>
          );
        })}
      </ul>
      {options.length === 0 && <p className="px-3 py-2 text-sm text-slate-600">{error ?? (loading ? 'Searching…' : 'No system matches.')}</p>}
    </div>
  );
}

/** Keyboard handling shared by both pickers; the caller owns the open flag. */
export function useComboboxKeys(
  open: boolean,
  setOpen: (open: boolean) => void,
  options: SystemOption[],
  choose: (option: SystemOption) => void,
  close: () => void,
  typed: string,
) {
  const [active, setActive] = useState(-1);
  // As in the ARIA practices' list-autocomplete example: new results start with no option
  // active, and the first Arrow Down moves to the first one (reset during render when the
  // options change, React's pattern for state that follows a prop).
  const [activeFor, setActiveFor] = useState(options);
  if (activeFor !== options) {
    setActiveFor(options);
    setActive(-1);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) setOpen(true);
        else setActive((i) => Math.min(i + 1, options.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive((i) => Math.max(i - 1, 0));
        break;
      case 'Enter': {
        // With nothing highlighted, Enter still takes a system whose full name was typed.
        const exact = options.find((o) => o.name.toLowerCase() === typed.trim().toLowerCase());
        const option = options[active] ?? exact;
        if (open && option) {
          event.preventDefault();
          choose(option);
        }
        break;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          close();
        }
        break;
    }
  }

  const listId = useId();
  const shown = open ? active : -1;
  // The text box's side of the ARIA combobox pattern: it controls the list and names the active option.
  const inputProps = {
    type: 'text',
    role: 'combobox',
    'aria-expanded': open,
    'aria-controls': listId,
    'aria-autocomplete': 'list',
    'aria-activedescendant': shown >= 0 ? `${listId}-${shown}` : undefined,
    autoComplete: 'off',
  } as const;
  return { active: shown, setActive, onKeyDown, listId, inputProps };
}

export function liveMessage(open: boolean, loading: boolean, count: number): string {
  if (!open || loading) return '';
  if (count === 0) return 'No system matches.';
  return `${count} system${count === 1 ? '' : 's'} found${count >= 20 ? '; type more to narrow the list' : ''}.`;
}

/** One system, written into a hidden input `name` (the inventory's system filter). */
export function SystemCombobox({
  name,
  label,
  initial,
  search,
  onSelect,
}: {
  name: string;
  label: string;
  initial: SystemOption | null;
  search: SystemSearch;
  /** Told of every choice (null: cleared), for a page that must name the chosen system later. */
  onSelect?: (option: SystemOption | null) => void;
}) {
  const [selected, setSelectedState] = useState<SystemOption | null>(initial);
  function setSelected(option: SystemOption | null) {
    setSelectedState(option);
    onSelect?.(option);
  }
  const [text, setText] = useState(initial?.name ?? '');
  const [query, setQuery] = useState('');
  const inputId = `field-${name}`;

  const [open, setOpen] = useState(false);
  const { options, loading, error } = useSystemSearch(search, query, open);

  function close() {
    setOpen(false);
    // Leaving the box without choosing keeps the current choice (or none if cleared).
    setText((t) => (t.trim() === '' ? '' : (selected?.name ?? '')));
  }
  function choose(option: SystemOption) {
    setSelected(option);
    setText(option.name);
    setOpen(false);
  }
  const keys = useComboboxKeys(open, setOpen, options, choose, close, text);

  return (
    <div className="space-y-1">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="relative">
        <input
          id={inputId}
          {...keys.inputProps}
          placeholder="Any system"
          value={text}
          onChange={(event) => {
            const value = event.target.value;
            setText(value);
            setQuery(value);
            if (value.trim() === '') setSelected(null);
            setOpen(true);
          }}
          onFocus={() => setQuery(text === selected?.name ? '' : text)}
          onClick={() => setOpen(true)}
          onBlur={() => open && close()}
          onKeyDown={keys.onKeyDown}
          className={cn(controlClass, selected && 'pr-9')}
        />
        {selected && (
          <button
            type="button"
            onClick={() => {
              setSelected(null);
              setText('');
              setQuery('');
            }}
            className="absolute inset-y-0 right-0 flex items-center rounded-r-md px-2.5 text-slate-500 hover:text-slate-800"
          >
            <span className="sr-only">Clear system filter</span>
            <svg aria-hidden viewBox="0 0 16 16" className="size-4 fill-current">
              <path d="M4.3 3.2 8 6.9l3.7-3.7 1.1 1.1L9.1 8l3.7 3.7-1.1 1.1L8 9.1l-3.7 3.7-1.1-1.1L6.9 8 3.2 4.3z" />
            </svg>
          </button>
        )}
        {open && (
          <OptionList
            id={keys.listId}
            options={options}
            active={keys.active}
            isSelected={(o) => o.id === selected?.id}
            onChoose={choose}
            onHover={keys.setActive}
            multiple={false}
            loading={loading}
            error={error}
          />
        )}
      </div>
      <input type="hidden" name={name} value={selected?.id ?? ''} />
      <p className="sr-only" aria-live="polite">
        {liveMessage(open, loading, options.length)}
      </p>
    </div>
  );
}
