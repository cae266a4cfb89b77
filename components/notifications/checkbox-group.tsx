// A fieldset of checkboxes submitted as one list (`data-multiple`), with its legend, an
// optional hint and its field errors tied to it for screen readers.
type Option = { value: string; label: React.ReactNode };

export function CheckboxGroup({
  legend,
  name,
  options,
  checked,
  hint,
  errors,
  required,
  scroll,
}: {
  legend: string;
  name: string;
  options: Option[];
  checked: (value: string) => boolean;
  hint?: React.ReactNode;
  errors?: string[];
  required?: boolean;
  /** A long list (teams): shown in a scrolling box. */
  scroll?: boolean;
}) {
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? `field-${name}-hint` : null, invalid ? `field-${name}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset aria-describedby={describedBy}>
      <legend className="text-sm font-medium text-slate-800">
        {legend}
        {required && (
          <span className="text-red-700" aria-hidden>
            {' '}
            *
          </span>
        )}
      </legend>
      {hint && (
        <p id={`field-${name}-hint`} className="mt-1 text-sm text-slate-600">
          {hint}
        </p>
      )}
      <div className={scroll ? 'mt-2 max-h-48 space-y-2 overflow-y-auto rounded border border-slate-200 p-2' : 'mt-2 space-y-2'}>
        {options.map((option) => (
          <label key={option.value} className="flex items-start gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              name={name}
              value={option.value}
              data-multiple
              defaultChecked={checked(option.value)}
              aria-invalid={invalid ? true : undefined}
              className="mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-600"
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {invalid ? (
        <p id={`field-${name}-error`} className="mt-1 text-sm text-red-700">
          {errors!.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
