'use client';
// The parts of the Audit page that show the current view (list-view.tsx): the alert for
// a malformed filter, the filter form (its fields' messages follow the view), the export
// links for the view's filters, and the results (events and pager, or why there are
// none). The page's server-rendered rest (header, chain status, retention) stays as it is
// when the view changes. Deliberately zod-free, like every client part (the CSP).
import { useSearchParams } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { FilterForm } from '@/components/ui/filter-form';
import { ListLink } from '@/components/ui/list-link';
import { Pager } from '@/components/ui/pager';
import { Table, TableHead } from '@/components/ui/table';
import { AUDIT_TARGET_TYPES } from '@/lib/audit/actions';
import type { AuditListParam } from '@/lib/validation/audit-list';
import { AccessExportPanel } from './access-export-panel';
import { AuditEventRow } from './event-row';
import { ExportButtons } from './export-buttons';
import { auditExportLinks } from './export-links';
import { useAuditListView } from './list-view';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const ENVIRONMENT_SUGGESTIONS = ['development', 'staging', 'production'];
const OUTCOME_OPTIONS = [
  { value: 'success', label: 'Success' },
  { value: 'denied', label: 'Denied' },
  { value: 'failed', label: 'Failed' },
];
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
const NO_DEFAULTS = {};

type FilterErrors = Partial<Record<AuditListParam, string>>;

const fieldErrorsOf = (view: ReturnType<typeof useAuditListView>['view']): FilterErrors => (view.ok ? {} : view.fieldErrors);

/** Why no events are shown: a malformed filter (showing the unfiltered trail instead would give more, or other, than asked for). */
export function FilterProblems() {
  const { view } = useAuditListView();
  if (view.ok) return null;
  const problems = Object.entries(view.fieldErrors).filter(([name]) => name in FILTER_LABELS) as [keyof typeof FILTER_LABELS, string][];
  return (
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
          <ListLink href="/audit" className="font-medium underline">
            clear the filters
          </ListLink>
          .
        </p>
      </Alert>
    </div>
  );
}

/**
 * The filter form, showing the URL's values as given (malformed ones too, with the view's
 * message for each). Only the URL changes on submit; back and forward put the URL's values
 * back into the fields (FilterForm).
 */
export function AuditFilters({ actions }: { actions: string[] }) {
  const params = useSearchParams();
  const errors = fieldErrorsOf(useAuditListView().view);
  const value = (name: AuditListParam) => params.get(name) ?? undefined;
  const action = errors.action ? undefined : value('action')?.trim();
  const actionOptions = action && !actions.includes(action) ? [action, ...actions] : actions;
  const e = (name: AuditListParam) => (errors[name] ? [errors[name]] : undefined);
  // A date input cannot show a malformed day; it starts empty and the message says why.
  const day = (name: 'from' | 'to') => {
    const given = value(name);
    return !errors[name] && given && DAY_RE.test(given) ? given : '';
  };
  return (
    <FilterForm
      shallow
      action="/audit"
      label="Filter audit events"
      defaults={NO_DEFAULTS}
      className="mb-5 grid grid-cols-1 gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4"
    >
      <TextField
        id="f-actor"
        label="Actor"
        name="actor"
        type="search"
        defaultValue={value('actor') ?? ''}
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
        value={value('targetType')}
        suggestions={AUDIT_TARGET_TYPES}
        errors={e('targetType')}
      />
      <TextField
        id="f-target-id"
        label="Target id"
        name="targetId"
        defaultValue={value('targetId') ?? ''}
        spellCheck={false}
        errors={e('targetId')}
        className="font-mono"
      />
      <SuggestField
        id="f-environment"
        label="Environment"
        name="environment"
        value={value('environment')}
        suggestions={ENVIRONMENT_SUGGESTIONS}
        errors={e('environment')}
      />
      <SelectField
        id="f-outcome"
        label="Outcome"
        name="outcome"
        defaultValue={errors.outcome ? '' : (value('outcome') ?? '')}
        placeholder="Any outcome"
        options={OUTCOME_OPTIONS}
        errors={e('outcome')}
      />
      <TextField id="f-from" label="From (UTC)" name="from" type="date" defaultValue={day('from')} errors={e('from')} />
      <TextField id="f-to" label="To (UTC, inclusive)" name="to" type="date" defaultValue={day('to')} errors={e('to')} />
      <div className="flex items-end gap-3">
        <Button type="submit">Apply filters</Button>
        <ListLink href="/audit" className="py-2 text-sm font-medium text-accent-700 underline">
          Clear
        </ListLink>
      </div>
    </FilterForm>
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

/** The exports of exactly the view's filters (never its page cursor); none for a malformed filter. */
export function AuditExports({ environments }: { environments: string[] }) {
  const { view } = useAuditListView();
  if (!view.ok) return null;
  const { exportQuery, filtered } = view.links;
  return (
    <>
      <section aria-label="Export" className="mb-2 flex flex-wrap items-center gap-3">
        <p className="text-sm text-slate-700">Export {filtered ? 'the events matching these filters' : 'every event'}, oldest first:</p>
        <ExportButtons links={auditExportLinks(exportQuery)} />
      </section>
      <p className="mb-4 text-xs text-slate-600">
        The evidence bundle also holds the provider access history for the same time range, environment and target secret.
      </p>
      {/* New filters start the access-history panel afresh from them. */}
      <AccessExportPanel key={exportQuery} initial={view.access} environments={environments} />
    </>
  );
}

/** A button-styled link to another view of the trail. */
function ListButton(props: { href: string; children: React.ReactNode }) {
  return <ListLink className={buttonClass('secondary')} {...props} />;
}

/** The events and pager, or why there are none; busy while the next view loads. */
export function AuditResults() {
  const { view, loading } = useAuditListView();
  if (!view.ok) return null;
  const { page, links } = view;
  return (
    <div aria-busy={loading || undefined}>
      {page.items.length === 0 ? (
        <EmptyState
          title={links.laterPage ? 'No older events' : links.filtered ? 'No events match these filters' : 'No audit events yet'}
          action={
            links.laterPage ? (
              <ListButton href={links.first}>Back to newest</ListButton>
            ) : links.filtered ? (
              <ListButton href="/audit">Clear filters</ListButton>
            ) : undefined
          }
        >
          {links.laterPage
            ? 'You have reached the oldest event for these filters.'
            : links.filtered
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
            firstHref={links.laterPage ? links.first : undefined}
            nextHref={links.next ?? undefined}
            labels={['Newest', 'Older events']}
            link={ListLink}
          />
        </>
      )}
    </div>
  );
}
