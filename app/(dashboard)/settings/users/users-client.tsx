'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import type { Role, UserStatus } from '@/generated/prisma/enums';
import { InviteCodeBox } from '@/components/users/invite-code-box';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { cn } from '@/components/ui/cn';
import { ROLE_LABELS, ROLES } from '@/lib/auth/permissions';
import { MFA_REQUIREMENT_LABELS, MFA_REQUIREMENTS, type TMfaRequirement } from '@/lib/validation/account';
import { changeRoleAction, endUserSessionsAction, resetInviteAction, resetSecondFactorAction, setMfaRequirementAction, setUserStatusAction } from './actions';

const REQUEST_FAILED = 'The request did not reach the server. Check your connection and try again.';

function InlineError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="mt-1 max-w-64 text-xs text-red-700">
      {message}
    </p>
  );
}

/** A select's options: each value under its label. */
function LabelledOptions<V extends string>({ values, labels }: { values: readonly V[]; labels: Record<V, string> }) {
  return values.map((v) => (
    <option key={v} value={v}>
      {labels[v]}
    </option>
  ));
}

export function RoleForm({ userId, name, role, isSelf }: { userId: string; name: string; role: Role; isSelf: boolean }) {
  const router = useRouter();
  const [value, setValue] = useState<Role>(role);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  // After a save the server sends the new role; follow it (React's "adjust state when a
  // prop changes" pattern, during render rather than in an effect).
  const [shownRole, setShownRole] = useState<Role>(role);
  if (role !== shownRole) {
    setShownRole(role);
    setValue(role);
  }

  function save(event: React.FormEvent) {
    event.preventDefault();
    setError(undefined);
    startTransition(async () => {
      const result = await changeRoleAction(userId, value).catch(() => ({ ok: false as const, error: REQUEST_FAILED }));
      if (!result.ok) {
        setError(result.error);
        return;
      }
      router.refresh();
    });
  }

  const selectId = `role-${userId}`;
  return (
    <form onSubmit={save}>
      <div className="flex items-center gap-2">
        <label htmlFor={selectId} className="sr-only">
          Role for {name}
        </label>
        <select
          id={selectId}
          value={value}
          onChange={(e) => setValue(e.target.value as Role)}
          disabled={pending || isSelf}
          aria-describedby={isSelf ? `${selectId}-hint` : undefined}
          className={cn(controlClass.replace('w-full', 'w-44'), 'py-1.5 disabled:bg-slate-50 disabled:text-slate-600')}
        >
          <LabelledOptions values={ROLES} labels={ROLE_LABELS} />
        </select>
        {/* Always rendered (invisible while unchanged) so the column does not jump when it appears. */}
        <Button type="submit" className={cn('py-1.5', value === role && 'invisible')} disabled={pending || value === role}>
          {pending ? 'Saving…' : 'Save'}
        </Button>
      </div>
      {isSelf && (
        <p id={`${selectId}-hint`} className="mt-1 w-44 text-xs text-slate-600">
          Only another administrator can change your role.
        </p>
      )}
      <InlineError message={error} />
    </form>
  );
}

type Issued = { email: string; code: string; expires: string };

export function UserActions({
  user,
  isSelf,
  inviteLabel,
  inviteUrl,
}: {
  user: { id: string; name: string; email: string; status: UserStatus; mfaEnabled: boolean };
  isSelf: boolean;
  inviteLabel: string;
  inviteUrl: string;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState<'status' | 'invite' | 'sessions' | 'mfa' | null>(null);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [issued, setIssued] = useState<Issued | null>(null);
  const [pending, startTransition] = useTransition();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (issued) dialog.current?.showModal();
  }, [issued]);

  const disabling = user.status === 'active';

  /** Runs the confirmed action: a refusal (or a request that never arrived) shows its reason, success goes on to `then`. */
  function act<T>(request: () => Promise<({ ok: true } & T) | { ok: false; error: string }>, then: (result: { ok: true } & T) => void) {
    setError(undefined);
    startTransition(async () => {
      const result = await request().catch(() => ({ ok: false as const, error: REQUEST_FAILED }));
      setConfirming(null);
      if (!result.ok) setError(result.error);
      else then(result);
    });
  }

  const toggleStatus = () =>
    act(
      () => setUserStatusAction(user.id, disabling ? 'disabled' : 'active'),
      () => router.refresh(),
    );
  const issueInvite = () =>
    act(
      () => resetInviteAction(user.id),
      (result) => {
        if (result.inviteCode && result.inviteExpires) setIssued({ email: result.email, code: result.inviteCode, expires: result.inviteExpires });
      },
    );
  const endSessions = () =>
    act(
      () => endUserSessionsAction(user.id),
      (result) => setNotice(result.sessionsEnded === 1 ? '1 session ended.' : `${result.sessionsEnded} sessions ended.`),
    );
  const resetMfa = () =>
    act(
      () => resetSecondFactorAction(user.id),
      () => router.refresh(),
    );

  // Done, Escape or the close button: forget the code as soon as the admin is done with it.
  function onDialogClose() {
    setIssued(null);
    router.refresh();
  }

  if (confirming) {
    const [question, confirmLabel, run] = {
      status: [`Disable ${user.name}? They are signed out at once.`, 'Disable', toggleStatus] as const,
      invite: [`Issue a new invite code for ${user.name}? Any earlier code stops working.`, 'Issue code', issueInvite] as const,
      sessions: [`Sign ${user.name} out of every browser now?`, 'End sessions', endSessions] as const,
      mfa: [`Remove ${user.name}'s second factor and recovery codes? They are signed out and set it up again.`, 'Reset', resetMfa] as const,
    }[confirming];
    return (
      <div role="group" aria-label={`Confirm for ${user.name}`} className="min-w-56 space-y-2">
        <p className="text-xs text-slate-700">{question}</p>
        <div className="flex gap-2">
          <Button variant={confirming === 'invite' ? 'primary' : 'danger'} className="py-1" onClick={run} disabled={pending} autoFocus>
            {pending ? 'Working…' : confirmLabel}
          </Button>
          <Button variant="secondary" className="py-1" onClick={() => setConfirming(null)} disabled={pending}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div>
      <div className="flex justify-end gap-2 whitespace-nowrap">
        {user.mfaEnabled && (
          <Button variant="secondary" className="py-1" onClick={() => setConfirming('mfa')} aria-label={`Reset two-factor for ${user.name}`}>
            Reset 2FA
          </Button>
        )}
        {user.status === 'active' && (
          <Button variant="secondary" className="py-1" onClick={() => setConfirming('sessions')} aria-label={`End sessions of ${user.name}`}>
            End sessions
          </Button>
        )}
        {user.status === 'active' && (
          <Button variant="secondary" className="py-1" onClick={() => setConfirming('invite')} aria-label={`${inviteLabel} for ${user.name}`}>
            {inviteLabel}
          </Button>
        )}
        {isSelf ? null : disabling ? (
          <Button variant="secondary" className="py-1 text-red-800" onClick={() => setConfirming('status')} aria-label={`Disable ${user.name}`}>
            Disable
          </Button>
        ) : (
          <Button variant="secondary" className="py-1" onClick={toggleStatus} disabled={pending} aria-label={`Enable ${user.name}`}>
            {pending ? 'Enabling…' : 'Enable'}
          </Button>
        )}
      </div>
      <InlineError message={error} />
      {notice && (
        <p role="status" className="mt-1 text-right text-xs text-slate-600">
          {notice}
        </p>
      )}
      <dialog
        ref={dialog}
        onClose={onDialogClose}
        aria-labelledby={`invite-title-${user.id}`}
        className="m-auto w-full max-w-lg rounded-lg bg-white p-6 shadow-xl backdrop:bg-slate-900/40"
      >
        {issued && (
          <div className="space-y-4">
            <h2 id={`invite-title-${user.id}`} className="text-lg font-semibold text-slate-900">
              New invite code for {user.name}
            </h2>
            <InviteCodeBox email={issued.email} code={issued.code} expires={issued.expires} inviteUrl={inviteUrl} />
            <div className="flex justify-end">
              <Button onClick={() => dialog.current?.close()}>Done</Button>
            </div>
          </div>
        )}
      </dialog>
    </div>
  );
}

/** Who must use a second factor (local accounts); saved on change. */
export function MfaRequirementForm({ value }: { value: TMfaRequirement }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function save(event: React.ChangeEvent<HTMLSelectElement>) {
    const mfaRequired = event.target.value;
    setError(undefined);
    startTransition(async () => {
      const result = await setMfaRequirementAction({ mfaRequired }).catch(() => ({ ok: false as const, error: REQUEST_FAILED }));
      if (!result.ok) setError(result.error);
      router.refresh();
    });
  }

  return (
    <div>
      <div className="flex items-center gap-3">
        <label htmlFor="mfa-required" className="text-sm font-medium text-slate-800">
          Two-factor authentication
        </label>
        <select
          id="mfa-required"
          defaultValue={value}
          key={value}
          onChange={save}
          disabled={pending}
          className={cn(controlClass.replace('w-full', 'w-64'), 'py-1.5')}
        >
          <LabelledOptions values={MFA_REQUIREMENTS} labels={MFA_REQUIREMENT_LABELS} />
        </select>
        {pending && <span className="text-xs text-slate-600">Saving…</span>}
      </div>
      <p className="mt-1 text-xs text-slate-600">
        For people who sign in with a password; single sign-on accounts rely on their identity provider. Those required and not yet set up can reach nothing but
        the setup page.
      </p>
      <InlineError message={error} />
    </div>
  );
}
