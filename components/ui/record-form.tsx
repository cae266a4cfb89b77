// The frame of a record's create-or-edit form (team, system, provider connection,
// notification channel): the outcome on top, the stale-edit guard when editing, the fields,
// then Save and Cancel. The form's own hook submits it; this only lays it out.
import { Button, LinkButton } from './button';
import { TextAreaField, TextField } from './field';

export function RecordForm({
  form: { formRef, onSubmit, pending, status },
  editedAt,
  createLabel,
  cancelHref,
  children,
}: {
  form: {
    formRef?: React.Ref<HTMLFormElement>;
    onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
    pending: boolean;
    /** The error (or confirmation) to show above the fields. */
    status: React.ReactNode;
  };
  /** The edited record's updatedAt, sent back so a stale edit is refused; absent on create. */
  editedAt?: string;
  /** The submit button's words on create, e.g. "Create team"; an edit says "Save changes". */
  createLabel: string;
  cancelHref: string;
  children: React.ReactNode;
}) {
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="max-w-xl space-y-5">
      {status}
      {editedAt && <input type="hidden" name="expectedUpdatedAt" value={editedAt} />}
      {children}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : editedAt ? 'Save changes' : createLabel}
        </Button>
        <LinkButton href={cancelHref}>Cancel</LinkButton>
      </div>
    </form>
  );
}

/**
 * The record's name: required, not something the browser should offer to fill in, and at
 * most 100 characters like most names (singleLineName(100) in lib/validation); systems allow 200.
 */
export function NameField(props: Omit<React.ComponentProps<typeof TextField>, 'label' | 'name' | 'required'>) {
  return <TextField label="Name" name="name" required autoComplete="off" maxLength={100} {...props} />;
}

/** A team's or system's description: optional, at most 1000 characters (lib/validation/catalog.ts). */
export function DescriptionField({ defaultValue, about, errors }: { defaultValue?: string; about: string; errors?: string[] }) {
  return (
    <TextAreaField
      label="Description"
      name="description"
      defaultValue={defaultValue}
      maxLength={1000}
      rows={4}
      hint={`Optional. ${about} At most 1000 characters.`}
      errors={errors}
    />
  );
}
