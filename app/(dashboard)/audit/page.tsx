import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass, invalidControlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Th } from '@/components/ui/table';
import { AUDIT_TARGET_TYPES } from '@/lib/audit/actions';
import { latestChainStatus } from '@/lib/audit/verifications';
import { requireSignedIn } from '@/lib/auth/session';
import { listAuditActions, listAuditEvents } from '@/lib/data/audit-events';
import { getAuditRetention } from '@/lib/data/audit-retention';
import { ForbiddenError } from '@/lib/errors';
import { AUDIT_OUTCOMES, auditListHref, auditListParams, checkAuditListQuery, type AuditListParam } from '@/lib/validation/audit-list';
import { can } from '@/lib/auth/permissions';
import { AccessExportPanel } from '@/components/audit/access-export-panel';
import { ExportButtons } from '@/components/audit/export-buttons';
import { auditExportLinks } from '@/components/audit/export-links';
import { listEnvironments } from '@/lib/data/catalog';
import { accessQueryForAudit } from '@/lib/validation/access-export';
import { AuditEventRow } from './audit-client';
import { ChainStatusPanel } from './chain-status';
import { RetentionLine } from './retention-line';

export const metadata: Metadata = { title: 'Audit trail' };

type Params = Promise<Record<string, string | string[] | undefined>>;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const OUTCOME_LABELS = { success: 'Success', denied: 'Denied', failed: 'Failed' } as const;
const FILTER_LABELS: Record<Exclude<AuditListParam, 'after'>, string> = {
  actor: 'Actor',
  action: 'Action',
  targetType: 'Target type',
  targetId: 'Target id',
  environment: 'Environment',
  outcome: 'Outcome',
  from: 'From',
  to: 'To',
};

type FilterValues = Partial<Record<AuditListParam, string>>;
type FilterErrors = Partial<Record<AuditListParam, string>>;

/** A filter's problem under its field, and the attributes that tie it to the control. */
function invalid(errors: FilterErrors, name: AuditListParam, id: string, describedBy?: string) {
  const error = errors[name];
  return {
    className: error ? invalidControlClass : controlClass,
    a11y: {
      'aria-invalid': error ? (true as const) : undefined,
      'aria-describedby': [describedBy, error ? `${id}-error` : undefined].filter(Boolean).join(' ') || undefined,
    },
    message: error ? (
      <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
        {error}
      </p>
    ) : null,
  };
}

function Label({ htmlFor, children }: { htmlFor: string; children: React.ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-slate-800">
      {children}
    </label>
  );
}

/** The filter form, showing the values as given (malformed ones too, with their problem). */
function Filters({ values, errors, actions }: { values: FilterValues; errors: FilterErrors; actions: string[] }) {
  const action = errors.action ? undefined : values.action?.trim();
  const actionOptions = action && !actions.includes(action) ? [action, ...actions] : actions;
  const f = {
    actor: invalid(errors, 'actor', 'f-actor', 'f-actor-hint'),
    action: invalid(errors, 'action', 'f-action'),
    targetType: invalid(errors, 'targetType', 'f-target-type'),
    targetId: invalid(errors, 'targetId', 'f-target-id'),
    environment: invalid(errors, 'environment', 'f-environment'),
    outcome: invalid(errors, 'outcome', 'f-outcome'),
    from: invalid(errors, 'from', 'f-from'),
    to: invalid(errors, 'to', 'f-to'),
  };
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter audit events"
      className="mb-5 grid grid-cols-1 gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4"
    >
      <div>
        <Label htmlFor="f-actor">Actor</Label>
        <input
          id="f-actor"
          name="actor"
          type="search"
          defaultValue={values.actor ?? ''}
          {...f.actor.a11y}
          className={f.actor.className}
        />
        <p id="f-actor-hint" className="mt-1 text-xs text-slate-600">
          Part of an email, a whole email, or a user id.
        </p>
        {f.actor.message}
      </div>
      <div>
        <Label htmlFor="f-action">Action</Label>
        <select id="f-action" name="action" defaultValue={action ?? ''} {...f.action.a11y} className={f.action.className}>
          <option value="">All actions</option>
          {actionOptions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        {f.action.message}
      </div>
      <div>
        <Label htmlFor="f-target-type">Target type</Label>
        <input
          id="f-target-type"
          name="targetType"
          list="f-target-types"
          defaultValue={values.targetType ?? ''}
          autoComplete="off"
          {...f.targetType.a11y}
          className={f.targetType.className}
        />
        {f.targetType.message}
        <datalist id="f-target-types">
          {AUDIT_TARGET_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      <div>
        <Label htmlFor="f-target-id">Target id</Label>
        <input id="f-target-id" name="targetId" defaultValue={values.targetId ?? ''} spellCheck={false} {...f.targetId.a11y} className={`${f.targetId.className} font-mono`} />
        {f.targetId.message}
      </div>
      <div>
        <Label htmlFor="f-environment">Environment</Label>
        <input
          id="f-environment"
          name="environment"
          defaultValue={values.environment ?? ''}
          list="f-environments"
          autoComplete="off"
          {...f.environment.a11y}
          className={f.environment.className}
        />
        {f.environment.message}
        <datalist id="f-environments">
          {['development', 'staging', 'production'].map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </div>
      <div>
        <Label htmlFor="f-outcome">Outcome</Label>
        <select id="f-outcome" name="outcome" defaultValue={errors.outcome ? '' : (values.outcome ?? '')} {...f.outcome.a11y} className={f.outcome.className}>
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABELS[o]}
            </option>
          ))}
        </select>
        {f.outcome.message}
      </div>
      <div>
        <Label htmlFor="f-from">From (UTC)</Label>
        <input
          id="f-from"
          name="from"
          type="date"
          defaultValue={!errors.from && values.from && DAY_RE.test(values.from) ? values.from : ''}
          {...f.from.a11y}
          className={f.from.className}
        />
        {f.from.message}
      </div>
      <div>
        <Label htmlFor="f-to">To (UTC, inclusive)</Label>
        <input
          id="f-to"
          name="to"
          type="date"
          defaultValue={!errors.to && values.to && DAY_RE.test(values.to) ? values.to : ''}
          {...f.to.a11y}
          className={f.to.className}
        />
        {f.to.message}
      </div>
      <div className="flex items-end gap-3">
        <Button type="submit">Apply filters</Button>
        <Link href="/audit" className="py-2 text-sm font-medium text-accent-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Params }) {
  const params = await searchParams;
  const check = checkAuditListQuery(params);
  const caller = await requireSignedIn();
  let actions;
  try {
    actions = await listAuditActions(caller);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Audit trail" />
        <Alert>Only auditors and administrators can read the audit trail.</Alert>
      </>
    );
  }
  const [chainStatus, retention, page] = await Promise.all([
    latestChainStatus(caller),
    getAuditRetention(caller),
    check.ok ? listAuditEvents(caller, check.query) : null,
  ]);
  const header = (
    <>
      <PageHeader
        title="Audit trail"
        description="Every sign-in, change and refused attempt, newest first. Events cannot be edited or deleted. Times are UTC."
        actions={<LinkButton href="/audit/verify">Verify a bundle</LinkButton>}
      />
      <ChainStatusPanel status={chainStatus} />
      <RetentionLine retention={retention} canChange={can(caller.user.role, 'admin.retention')} />
    </>
  );
  // A malformed filter shows no events (and offers no export): showing the unfiltered
  // trail instead would give the auditor more, or other, than they asked for.
  if (!check.ok || !page) {
    const fieldErrors = check.ok ? {} : check.fieldErrors;
    const problems = Object.entries(fieldErrors).filter(([name]) => name in FILTER_LABELS) as [keyof typeof FILTER_LABELS, string][];
    return (
      <>
        {header}
        <div className="mb-4">
          <Alert>
            <p className="font-medium">No events are shown: {problems.length === 1 ? 'a filter is' : 'some filters are'} not valid.</p>
            <ul className="mt-1 list-disc pl-5">
              {problems.map(([name, error]) => (
                <li key={name}>
                  {FILTER_LABELS[name]}: {error}
                </li>
              ))}
            </ul>
            <p className="mt-2">
              Correct {problems.length === 1 ? 'it' : 'them'} below, or{' '}
              <Link href="/audit" className="font-medium underline">
                clear the filters
              </Link>
              .
            </p>
          </Alert>
        </div>
        <Filters values={auditListParams(params)} errors={fieldErrors} actions={actions} />
      </>
    );
  }
  const query = check.query;
  const { after, ...filters } = query;
  const filtered = Object.values(filters).some(Boolean);
  // The export links carry exactly the filters in the URL (never the page cursor).
  const filterQuery = auditListHref(filters, '').replace(/^\?/, '');

  return (
    <>
      {header}
      <Filters values={auditListParams(params)} errors={{}} actions={actions} />
      {can(caller.user.role, 'audit.export') && (
        <>
          <section aria-label="Export" className="mb-2 flex flex-wrap items-center gap-3">
            <p className="text-sm text-slate-700">
              Export {filtered ? 'the events matching these filters' : 'every event'}, oldest first:
            </p>
            <ExportButtons links={auditExportLinks(filterQuery)} />
          </section>
          <p className="mb-4 text-xs text-slate-600">
            The evidence bundle also holds the provider access history for the same time range, environment and target secret.
          </p>
          <AccessExportPanel
            key={filterQuery}
            initial={accessQueryForAudit(query)}
            environments={(await listEnvironments(caller)).map((e) => e.name)}
          />
        </>
      )}

      {page.items.length === 0 ? (
        <EmptyState
          title={after ? 'No older events' : filtered ? 'No events match these filters' : 'No audit events yet'}
          action={
            after ? (
              <LinkButton href={auditListHref(filters)}>Back to newest</LinkButton>
            ) : filtered ? (
              <LinkButton href="/audit">Clear filters</LinkButton>
            ) : undefined
          }
        >
          {after
            ? 'You have reached the oldest event for these filters.'
            : filtered
              ? 'Widen the date range, or use part of an email address as the actor.'
              : 'Events appear here as people sign in, change the inventory and manage users.'}
        </EmptyState>
      ) : (
        <>
          <Table caption="Audit events, newest first">
            <thead>
              <tr>
                <Th className="w-10">
                  <span className="sr-only">Details</span>
                </Th>
                <Th>Time (UTC)</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Environment</Th>
                <Th>Outcome</Th>
                <Th>IP</Th>
              </tr>
            </thead>
            {page.items.map((event) => (
              <AuditEventRow key={event.id} event={event} />
            ))}
          </Table>
          <nav aria-label="Pages" className="mt-4 flex items-center gap-3">
            {after && <LinkButton href={auditListHref(filters)}>Newest</LinkButton>}
            {page.nextCursor && <LinkButton href={auditListHref({ ...filters, after: page.nextCursor })}>Older events</LinkButton>}
            <span className="text-sm text-slate-600">
              {page.items.length} event{page.items.length === 1 ? '' : 's'} on this page
            </span>
          </nav>
        </>
      )}
    </>
  );
}
