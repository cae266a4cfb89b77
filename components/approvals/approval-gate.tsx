'use client';
// The two-person rule on a tab: in place of the value form or "Rotate now", the state of
// the person's own request (none: ask, with a note; pending: wait or cancel; approved: the
// form, with who approved and until when), and the requests of others that wait for a
// decision, with Approve / Refuse for those who may decide. The server decides; this only
// offers what the page was told the person may do.
import { useState } from 'react';
import { Failure, useStep, type Outcome } from '@/components/forms/use-step';
import { formatDateTime } from '@/components/format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';

export type ApprovalKindName = 'value_write' | 'rotation';

export type ApprovalItem = {
  id: string;
  kind: ApprovalKindName;
  state: string;
  requestedByEmail: string;
  note: string;
  decidedByEmail: string | null;
  createdAt: string;
  expiresAt: string;
  mayDecide: boolean;
};

const ASKS_TO: Record<ApprovalKindName, string> = { value_write: 'write a new value', rotation: 'rotate' };

/** The person's own side: ask, wait, or act on the approval (`children` is the form). */
export function ApprovalGate({
  kind,
  team,
  mine,
  request,
  cancel,
  children,
}: {
  kind: ApprovalKindName;
  team: string;
  mine: ApprovalItem | null;
  request: (input: { kind: ApprovalKindName; note: string }) => Promise<Outcome>;
  cancel: (approvalId: string) => Promise<Outcome>;
  children: React.ReactNode;
}) {
  const [note, setNote] = useState('');
  const { outcome, pending, run, submit, fieldErrors } = useStep();
  const noteId = `approval-note-${kind}`;
  const noteError = fieldErrors.note;
  // Once this page has shown the form under an approval, the form stays after the write
  // uses it up (the refreshed page then has no approval): its outcome ("Written to …") must
  // stay readable. Set during render, React's pattern for state that follows a prop.
  const [shownApproved, setShownApproved] = useState(false);
  if (mine?.state === 'approved' && !shownApproved) setShownApproved(true);

  if (mine?.state === 'approved' || (!mine && shownApproved)) {
    const step = kind === 'rotation' ? 'rotation' : 'value write';
    return (
      <div className="space-y-4">
        {mine ? (
          <Alert tone="success">
            Approved by {mine.decidedByEmail}, valid until {formatDateTime(mine.expiresAt)}. Your next {step} uses it.
          </Alert>
        ) : (
          <Alert tone="info">Your approval has been used. Reload the page to ask for another before the next {step}.</Alert>
        )}
        {children}
      </div>
    );
  }

  if (mine?.state === 'pending') {
    return (
      <div className="space-y-3 text-sm text-slate-700">
        <p>
          <Badge tone="amber">Waiting for approval</Badge> You asked to {ASKS_TO[kind]} on {formatDateTime(mine.createdAt)}. An engineer of {team} or an
          administrator decides; the request expires {formatDateTime(mine.expiresAt)}.
        </p>
        {mine.note && <p className="text-slate-600">Your note: {mine.note}</p>}
        <Failure outcome={outcome} />
        <Button variant="secondary" disabled={pending} onClick={() => run(() => cancel(mine.id))}>
          {pending ? 'Cancelling…' : 'Cancel request'}
        </Button>
      </div>
    );
  }

  return (
    <form className="space-y-3 text-sm text-slate-700" onSubmit={submit(() => request({ kind, note }))}>
      <p>
        This secret&apos;s policy asks for a second person in production: before you {ASKS_TO[kind]}, an engineer of {team} or an administrator approves your
        request. No value is sent with the request; once it is approved you {kind === 'rotation' ? 'start the rotation' : 'enter or generate the value'} here
        within 24 hours.
      </p>
      <div className="space-y-1">
        <label htmlFor={noteId} className="block text-sm font-medium text-slate-800">
          Why (for the approver)
        </label>
        <textarea
          id={noteId}
          name="note"
          rows={2}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={noteError ? true : undefined}
          aria-describedby={noteError ? `${noteId}-error` : undefined}
          className={controlClass}
        />
        {noteError && (
          <p id={`${noteId}-error`} className="text-sm text-red-700">
            {noteError.join(' ')}
          </p>
        )}
      </div>
      <Failure outcome={outcome} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Requesting…' : 'Request approval'}
      </Button>
    </form>
  );
}

/** Requests of others waiting for a decision. */
export function PendingApprovals({
  items,
  decide,
}: {
  items: ApprovalItem[];
  decide: (approvalId: string, input: { decision: 'approve' | 'refuse'; note: string }) => Promise<Outcome>;
}) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Requests waiting for approval">
      {items.map((item) => (
        <PendingApproval key={item.id} item={item} decide={decide} />
      ))}
    </ul>
  );
}

function PendingApproval({
  item,
  decide,
}: {
  item: ApprovalItem;
  decide: (approvalId: string, input: { decision: 'approve' | 'refuse'; note: string }) => Promise<Outcome>;
}) {
  const [note, setNote] = useState('');
  const { outcome, pending, run } = useStep();
  const noteId = `decision-note-${item.id}`;
  return (
    <li className="space-y-2 py-3 text-sm first:pt-0 last:pb-0">
      <p className="text-slate-900">
        <span className="font-medium">{item.requestedByEmail}</span> asks to {ASKS_TO[item.kind]}
        <span className="block text-xs text-slate-500">
          Asked {formatDateTime(item.createdAt)} · expires {formatDateTime(item.expiresAt)}
        </span>
      </p>
      {item.note && <p className="text-slate-700">“{item.note}”</p>}
      {item.mayDecide ? (
        <div className="space-y-2">
          <label htmlFor={noteId} className="block text-xs font-medium text-slate-700">
            Note on your decision (optional)
          </label>
          <input id={noteId} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} className={controlClass} />
          <Failure outcome={outcome} />
          <div className="flex gap-2">
            <Button
              disabled={pending}
              onClick={() => run(() => decide(item.id, { decision: 'approve', note }))}
              aria-label={`Approve the request of ${item.requestedByEmail} to ${ASKS_TO[item.kind]}`}
            >
              Approve
            </Button>
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() => run(() => decide(item.id, { decision: 'refuse', note }))}
              aria-label={`Refuse the request of ${item.requestedByEmail} to ${ASKS_TO[item.kind]}`}
            >
              Refuse
            </Button>
          </div>
        </div>
      ) : (
        <p className="text-xs text-slate-500">An engineer of the owning team (other than the requester) or an administrator decides.</p>
      )}
    </li>
  );
}
