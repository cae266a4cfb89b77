import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { DeniedPage, loadOrDenied } from '@/components/errors/denied';
import { Pager } from '@/components/ui/pager';
import { Table, TableHead } from '@/components/ui/table';
import { AUDIT_TARGET_TYPES } from '@/lib/audit/actions';
import { latestChainStatus } from '@/lib/audit/verifications';
import { requireSignedIn } from '@/lib/auth/session';
import { listAuditActions, listAuditEvents } from '@/lib/data/audit-events';
import { getAuditRetention } from '@/lib/data/audit-retention';
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
const ENVIRONMENT_SUGGESTIONS = ['development', 'staging', 'production'];
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

/** The filter form, showing the values as given (malformed ones too, with their problem). */
function Filters({ values, errors, actions }: { values: FilterValues; errors: FilterErrors; actions: string[] }) {
  const action = errors.action ? undefined : values.action?.trim();
  const actionOptions = action && !actions.includes(action) ? [action, ...actions] : actions;
  const e = (name: AuditListParam) => (errors[name] ? [errors[name]] : undefined);
  // A date input cannot show a malformed day; it starts empty and the message says why.
  const day = (name: 'from' | 'to') => (!errors[name] && values[name] && DAY_RE.test(values[name]) ? values[name] : '');
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter audit events"
      className="mb-5 grid grid-cols-1 gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4"
    >
      <TextField
        id="f-actor"
        label="Actor"
        name="actor"
        type="search"
        defaultValue={values.actor ?? ''}
        hint="Part of an email, a whole email, or a user id."
        errors={e('actor')}
      />
      <SelectField
        id="f-action"
        label="Action"
        name="action"
        defaultValue={action ?? ''}
        placeholder="All actions"
        options={actionOptions.map((a) => ({ value: a, label: a }))}
        errors={e('action')}
      />
      <SuggestField
        id="f-target-type"
        label="Target type"
        name="targetType"
        value={values.targetType}
        suggestions={AUDIT_TARGET_TYPES}
        errors={e('targetType')}
      />
      <TextField
        id="f-target-id"
        label="Target id"
        name="targetId"
        defaultValue={values.targetId ?? ''}
        spellCheck={false}
        errors={e('targetId')}
        className="font-mono"
      />
      <SuggestField
        id="f-environment"
        label="Environment"
        name="environment"
        value={values.environment}
        suggestions={ENVIRONMENT_SUGGESTIONS}
        errors={e('environment')}
      />
      <SelectField
        id="f-outcome"
        label="Outcome"
        name="outcome"
        defaultValue={errors.outcome ? '' : (values.outcome ?? '')}
        placeholder="Any outcome"
        options={AUDIT_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
        errors={e('outcome')}
      />
      <TextField id="f-from" label="From (UTC)" name="from" type="date" defaultValue={day('from')} errors={e('from')} />
      <TextField id="f-to" label="To (UTC, inclusive)" name="to" type="date" defaultValue={day('to')} errors={e('to')} />
      <div className="flex items-end gap-3">
        <Button type="submit">Apply filters</Button>
        <Link href="/audit" className="py-2 text-sm font-medium text-accent-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}

/** A free-text filter that suggests the usual values (a datalist) without limiting to them. */
function SuggestField({
  id,
  label,
  name,
  value,
  suggestions,
  errors,
}: {
  id: string;
  label: string;
  name: string;
  value?: string;
  suggestions: readonly string[];
  errors?: string[];
}) {
  return (
    <div>
      <TextField id={id} label={label} name={name} list={`${id}s`} defaultValue={value ?? ''} autoComplete="off" errors={errors} />
      <datalist id={`${id}s`}>
        {suggestions.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </div>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Params }) {
  const params = await searchParams;
  const check = checkAuditListQuery(params);
  const caller = await requireSignedIn();
  const actions = await loadOrDenied(listAuditActions(caller));
  if (actions === undefined) return <DeniedPage title="Audit trail">Only auditors and administrators can read the audit trail.</DeniedPage>;
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
            <p className="text-sm text-slate-700">Export {filtered ? 'the events matching these filters' : 'every event'}, oldest first:</p>
            <ExportButtons links={auditExportLinks(filterQuery)} />
          </section>
          <p className="mb-4 text-xs text-slate-600">
            The evidence bundle also holds the provider access history for the same time range, environment and target secret.
          </p>
          <AccessExportPanel key={filterQuery} initial={accessQueryForAudit(query)} environments={(await listEnvironments(caller)).map((e) => e.name)} />
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
            <TableHead
              headings={[
                { label: <span className="sr-only">Details</span>, className: 'w-10' },
                'Time (UTC)',
                'Actor',
                'Action',
                'Target',
                'Environment',
                'Outcome',
                'IP',
              ]}
            />
            {page.items.map((event) => (
              <AuditEventRow key={event.id} event={event} />
            ))}
          </Table>
          <Pager
            summary={`${page.items.length} event${page.items.length === 1 ? '' : 's'} on this page`}
            firstHref={after ? auditListHref(filters) : undefined}
            nextHref={page.nextCursor ? auditListHref({ ...filters, after: page.nextCursor }) : undefined}
            labels={['Newest', 'Older events']}
          />
        </>
      )}
    </>
  );
}
