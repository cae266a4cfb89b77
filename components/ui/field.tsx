// Labelled form controls with their validation messages wired up for screen readers.
import { cn } from './cn';

// The ring colour is chosen, not overridden: two ring-colour utilities on one element
// resolve by stylesheet order, not class order, and the invalid red lost to slate.
const CONTROL_BASE =
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-accent-600';
const CONTROL = `${CONTROL_BASE} ring-slate-300`;
const INVALID = `${CONTROL_BASE} ring-red-600`;

type FieldProps = {
  label: string;
  name: string;
  /** The control's id when the page needs its own (default `field-<name>`). */
  id?: string;
  hint?: string;
  errors?: string[];
  required?: boolean;
  children: (a11y: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string; className: string }) => React.ReactNode;
};

export function Field({ label, name, id: ownId, hint, errors, required, children }: FieldProps) {
  const id = ownId ?? `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {required && (
          <span className="text-red-700" aria-hidden>
            {' '}
            *
          </span>
        )}
      </label>
      {children({
        id,
        'aria-invalid': errors?.length ? true : undefined,
        'aria-describedby': describedBy,
        className: errors?.length ? INVALID : CONTROL,
      })}
      <FieldNotes id={id} hint={hint} errors={errors} />
    </div>
  );
}

/**
 * A control's hint and error messages, with the ids `<id>-hint` and `<id>-error` its
 * aria-describedby names; for controls Field does not lay out (checkboxes).
 */
export function FieldNotes({ id, hint, errors }: { id: string; hint?: React.ReactNode; errors?: string[] }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </>
  );
}

type InputFieldProps = Omit<FieldProps, 'children'> & React.InputHTMLAttributes<HTMLInputElement>;

export function TextField({ label, name, id, hint, errors, required, ...input }: InputFieldProps) {
  return (
    <Field label={label} name={name} id={id} hint={hint} errors={errors} required={required}>
      {(a11y) => <input name={name} required={required} {...a11y} {...input} className={cn(a11y.className, input.className)} />}
    </Field>
  );
}

/** For identifiers, ARNs and paths: monospace, never autocompleted or spell-checked. */
export function CodeField(props: InputFieldProps) {
  return <TextField autoComplete="off" spellCheck={false} {...props} className={cn('font-mono', props.className)} />;
}

type TextAreaFieldProps = Omit<FieldProps, 'children'> & React.TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextAreaField({ label, name, id, hint, errors, required, ...area }: TextAreaFieldProps) {
  return (
    <Field label={label} name={name} id={id} hint={hint} errors={errors} required={required}>
      {(a11y) => <textarea name={name} required={required} rows={3} {...a11y} {...area} className={cn(a11y.className, area.className)} />}
    </Field>
  );
}

export type SelectOption = { value: string; label: string };

/** A select's options, after an empty first choice when there is a placeholder ("Choose…", "Any"). */
export function SelectOptions({ options, placeholder }: { options: SelectOption[]; placeholder?: string }) {
  return (
    <>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}

type SelectFieldProps = Omit<FieldProps, 'children'> & React.SelectHTMLAttributes<HTMLSelectElement> & { options: SelectOption[]; placeholder?: string };

export function SelectField({ label, name, id, hint, errors, required, options, placeholder, ...select }: SelectFieldProps) {
  return (
    <Field label={label} name={name} id={id} hint={hint} errors={errors} required={required}>
      {(a11y) => (
        <select name={name} required={required} {...a11y} {...select}>
          <SelectOptions options={options} placeholder={placeholder} />
        </select>
      )}
    </Field>
  );
}

export const controlClass = CONTROL;
/** A control whose value is refused (with aria-invalid and its message beside it). */
export const invalidControlClass = INVALID;
