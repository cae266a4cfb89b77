'use client';
import { useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import { InviteCodeBox } from '@/components/users/invite-code-box';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { ROLE_LABELS, ROLES } from '@/lib/auth/permissions';
import { createUserAction } from '../actions';

const ROLE_HINT = 'Viewers browse the inventory; engineers also edit and rotate; auditors read the audit trail; administrators manage users.';

type Created = { email: string; inviteCode: string | null; inviteExpires: string | null };

export function NewUserForm({ inviteUrl, ssoConfigured }: { inviteUrl: string; ssoConfigured: boolean }) {
  const [created, setCreated] = useState<Created | null>(null);
  const [method, setMethod] = useState<'password' | 'sso'>('password');
  const { onSubmit, pending, error, fieldErrors } = useActionForm(createUserAction, (result) =>
    setCreated({ email: result.email, inviteCode: result.inviteCode, inviteExpires: result.inviteExpires }),
  );

  if (created) {
    return (
      <div className="space-y-5">
        {created.inviteCode && created.inviteExpires ? (
          <>
            <Alert tone="success">The account for {created.email} is created. It can be used once they set a password with this code.</Alert>
            <InviteCodeBox email={created.email} code={created.inviteCode} expires={created.inviteExpires} inviteUrl={inviteUrl} />
          </>
        ) : (
          <Alert tone="success">
            The account for {created.email} is created. They sign in with single sign-on; their identity is linked to this account by email the first time they
            do.
          </Alert>
        )}
        <div className="flex flex-wrap gap-2">
          <LinkButton href="/settings/users" variant="primary">
            Back to users
          </LinkButton>
          <Button variant="secondary" onClick={() => setCreated(null)}>
            Invite someone else
          </Button>
        </div>
      </div>
    );
  }

  const signInErrorId = fieldErrors.signIn?.length ? 'field-signIn-error' : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      {error && <Alert>{error}</Alert>}
      <TextField label="Name" name="name" autoComplete="off" required errors={fieldErrors.name} />
      <TextField
        label="Work email"
        name="email"
        type="email"
        autoComplete="off"
        required
        hint="They sign in with this address. Stored in lower case."
        errors={fieldErrors.email}
      />
      <SelectField
        label="Role"
        name="role"
        required
        defaultValue="viewer"
        options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        hint={ROLE_HINT}
        errors={fieldErrors.role}
      />
      <fieldset aria-describedby={signInErrorId} className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">
          How will they sign in?
          <span className="text-red-700" aria-hidden>
            {' '}
            *
          </span>
        </legend>
        <label className="flex items-start gap-3 rounded-md p-3 ring-1 ring-slate-200 has-[:checked]:bg-accent-50 has-[:checked]:ring-accent-600">
          <input
            type="radio"
            name="signIn"
            value="password"
            checked={method === 'password'}
            onChange={() => setMethod('password')}
            className="mt-0.5 accent-accent-600"
          />
          <span className="text-sm">
            <span className="block font-medium text-slate-900">Email and password</span>
            <span className="block text-slate-600">You get a one-time invite code to give them; they use it to choose a password.</span>
          </span>
        </label>
        <label className="flex items-start gap-3 rounded-md p-3 ring-1 ring-slate-200 has-[:checked]:bg-accent-50 has-[:checked]:ring-accent-600">
          <input type="radio" name="signIn" value="sso" checked={method === 'sso'} onChange={() => setMethod('sso')} className="mt-0.5 accent-accent-600" />
          <span className="text-sm">
            <span className="block font-medium text-slate-900">Single sign-on (SSO)</span>
            <span className="block text-slate-600">
              No code: they sign in through your identity provider and are linked to this account by email. From then on, each sign-in sets their role from the
              provider&apos;s groups.
              {!ssoConfigured && ' SSO is not configured on this server yet, so they cannot sign in until it is.'}
            </span>
          </span>
        </label>
        {signInErrorId && (
          <p id={signInErrorId} className="text-sm text-red-700">
            {fieldErrors.signIn?.join(' ')}
          </p>
        )}
      </fieldset>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : method === 'password' ? 'Create and get invite code' : 'Create account'}
        </Button>
        <LinkButton href="/settings/users">Cancel</LinkButton>
      </div>
    </form>
  );
}
