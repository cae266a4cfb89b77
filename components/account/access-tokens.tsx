'use client';
// Creating an access token (shown once, with a copy button) and revoking one: the account
// page's personal tokens, and a team page's service tokens (with the role they act with).
// The token text lives only in this component's state until the page is left or reloaded.
// The tables of live tokens are token-table.tsx.
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import { formatDateTime } from '@/components/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { OneTimeValueBox } from '@/components/ui/one-time-value-box';
import { Field, FieldNotes, SelectField } from '@/components/ui/field';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

type Result<T = unknown> = ({ ok: true } & T) | { ok: false; error: string; fieldErrors?: Record<string, string[]> };
type Option = { value: string; label: string };
/** For a service token: the roles it may act with, each with the scopes that role can use. */
export type ServiceTokenRoles = { team: string; roles: (Option & { scopes: string[] })[] };

export function CreateAccessToken({
  scopes,
  defaultDays,
  maxDays,
  defaultRatePerMinute,
  serverUrl,
  service,
  create,
}: {
  scopes: Option[];
  defaultDays: number;
  maxDays: number;
  defaultRatePerMinute: number;
  serverUrl: string;
  service?: ServiceTokenRoles;
  create: (input: Record<string, string | string[]>) => Promise<Result<{ tokenId: string; token: string; expiresAt: string }>>;
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [issued, setIssued] = useState<{ token: string; name: string; expiresAt: string } | null>(null);
  const [role, setRole] = useState(service?.roles[0]?.value ?? '');
  const offered = service ? scopes.filter((s) => service.roles.find((r) => r.value === role)?.scopes.includes(s.value)) : scopes;
  const { onSubmit, pending, error, fieldErrors } = useActionForm(create, (result) => {
    const name = String(new FormData(form.current ?? undefined).get('name') ?? '');
    setIssued({ token: result.token, name, expiresAt: result.expiresAt });
    form.current?.reset();
    router.refresh();
  });

  return (
    <div className="space-y-4">
      {issued && <TokenBox {...issued} serverUrl={serverUrl} team={service?.team} onDone={() => setIssued(null)} />}
      <form
        ref={form}
        onSubmit={onSubmit}
        className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start"
        noValidate
        aria-label={service ? 'New service token' : 'New access token'}
      >
        {error && (
          <div className="sm:col-span-2">
            <Alert>{error}</Alert>
          </div>
        )}
        <Field
          label="Name"
          name="name"
          hint={service ? 'What will use it, e.g. “deploy pipeline”.' : 'What will use it, e.g. “CI leak check” or “my laptop”.'}
          errors={fieldErrors.name}
          required
        >
          {(a11y) => <input {...a11y} name="name" maxLength={80} autoComplete="off" />}
        </Field>
        <Field label="Expires after (days)" name="expiresInDays" hint={`1 to ${maxDays}.`} errors={fieldErrors.expiresInDays} required>
          {(a11y) => (
            <input {...a11y} name="expiresInDays" type="number" min={1} max={maxDays} defaultValue={defaultDays} className={`${a11y.className} sm:w-32`} />
          )}
        </Field>
        {service && (
          <SelectField
            label="Acts with the role"
            name="role"
            hint={`A member of ${service.team}: it acts on this team’s secrets only, as this role can.`}
            options={service.roles}
            value={role}
            onChange={(e) => setRole(e.target.value)}
            errors={fieldErrors.role}
            required
          />
        )}
        <Field
          label="Requests per minute"
          name="rateLimitPerMinute"
          hint={`Leave empty for the default, ${defaultRatePerMinute.toLocaleString('en-US')}.`}
          errors={fieldErrors.rateLimitPerMinute}
        >
          {(a11y) => <input {...a11y} name="rateLimitPerMinute" type="number" min={1} className={`${a11y.className} sm:w-32`} />}
        </Field>
        <fieldset className="space-y-1 sm:col-span-2" aria-describedby={fieldErrors.scopes?.length ? 'field-scopes-error' : undefined}>
          <legend className="text-sm font-medium text-slate-800">May be used for</legend>
          {offered.map((scope) => (
            <label key={scope.value} className="flex items-center gap-2 text-sm text-slate-700">
              {/* Least authority: only reading is ticked to begin with; every other use is chosen. */}
              <input
                type="checkbox"
                name="scopes"
                value={scope.value}
                defaultChecked={scope.value === 'secrets:read'}
                data-multiple
                className="size-4 rounded border-slate-300"
              />
              {scope.label}
            </label>
          ))}
          <FieldNotes id="field-scopes" errors={fieldErrors.scopes} />
        </fieldset>
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create token'}
          </Button>
        </div>
      </form>
    </div>
  );
}

function TokenBox({
  token,
  name,
  expiresAt,
  serverUrl,
  team,
  onDone,
}: {
  token: string;
  name: string;
  expiresAt: string;
  serverUrl: string;
  team?: string;
  onDone: () => void;
}) {
  return (
    <OneTimeValueBox
      label={
        <>
          New {team ? 'service' : 'access'} token “{name}”
        </>
      }
      value={token}
      noun="token"
    >
      <p className="text-sm text-slate-800">
        <strong>Copy it now: it is shown only once.</strong> Anyone holding it acts{' '}
        {team ? <>for {team}, with the role chosen,</> : <>as you (with your role)</>} for what it may be used for, until {formatDateTime(expiresAt)} or until
        it is revoked. Keep it in a secret store, not in a repository.
      </p>
      <p className="text-xs text-slate-600">
        Send it as <code className="font-mono">Authorization: Bearer …</code> to the REST API at <code className="font-mono">{serverUrl}/api/v1</code>
        {team ? (
          '.'
        ) : (
          <>
            , or use it with <code className="font-mono">LEAK_CHECK_TOKEN=… npm run leak-check -- &lt;repository&gt; --server {serverUrl}</code>.
          </>
        )}
      </p>
      <Button variant="secondary" onClick={onDone}>
        I have copied it
      </Button>
    </OneTimeValueBox>
  );
}

export function RevokeToken({ tokenId, name, revoke }: { tokenId: string; name: string; revoke: (id: string) => Promise<Result> }) {
  const [confirming, setConfirming] = useState(false);
  const { run, pending, error } = useRefreshingAction(() => revoke(tokenId));
  return (
    <div className="space-y-1">
      {confirming ? (
        <div role="group" aria-label={`Confirm revoking ${name}`} className="flex gap-2">
          <Button variant="danger" onClick={run} disabled={pending} autoFocus>
            {pending ? 'Revoking…' : 'Revoke'}
          </Button>
          <Button variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)} aria-label={`Revoke ${name}`}>
          Revoke
        </Button>
      )}
      {error && <p className="text-sm text-red-700">{error}</p>}
    </div>
  );
}
