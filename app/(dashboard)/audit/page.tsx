import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Th } from '@/components/ui/table';
import { AUDIT_TARGET_TYPES } from '@/lib/audit/actions';
import { latestChainStatus } from '@/lib/audit/verifications';
import { requireSignedIn } from '@/lib/auth/session';
import { listAuditActions, listAuditEvents } from '@/lib/data/audit-events';
import { getAuditRetention } from '@/lib/data/audit-retention';
import { ForbiddenError } from '@/lib/errors';
import { AUDIT_OUTCOMES, auditListHref, parseAuditListQuery, type TAuditListQuery } from '@/lib/validation/audit-list';
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

function Label({ htmlFor, children }: { htmlFor: string; children: React.ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-slate-800">
      {children}
    </label>
  );
}

function Filters({ query, actions }: { query: TAuditListQuery; actions: string[] }) {
  const actionOptions = query.action && !actions.includes(query.action) ? [query.action, ...actions] : actions;
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
          defaultValue={query.actor ?? ''}
          aria-describedby="f-actor-hint"
          className={controlClass}
        />
        <p id="f-actor-hint" className="mt-1 text-xs text-slate-600">
          Part of an email, a whole email, or a user id.
        </p>
      </div>
      <div>
        <Label htmlFor="f-action">Action</Label>
        <select id="f-action" name="action" defaultValue={query.action ?? ''} className={controlClass}>
          <option value="">All actions</option>
          {actionOptions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div>
        <Label htmlFor="f-target-type">Target type</Label>
        <input
          id="f-target-type"
          name="targetType"
          list="f-target-types"
          defaultValue={query.targetType ?? ''}
          autoComplete="off"
          className={controlClass}
        />
        <datalist id="f-target-types">
          {AUDIT_TARGET_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      <div>
        <Label htmlFor="f-target-id">Target id</Label>
        <input id="f-target-id" name="targetId" defaultValue={query.targetId ?? ''} spellCheck={false} className={`${controlClass} font-mono`} />
      </div>
      <div>
        <Label htmlFor="f-environment">Environment</Label>
        <input id="f-environment" name="environment" defaultValue={query.environment ?? ''} list="f-environments" autoComplete="off" className={controlClass} />
        <datalist id="f-environments">
          {['development', 'staging', 'production'].map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </div>
      <div>
        <Label htmlFor="f-outcome">Outcome</Label>
        <select id="f-outcome" name="outcome" defaultValue={query.outcome ?? ''} className={controlClass}>
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABELS[o]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <Label htmlFor="f-from">From (UTC)</Label>
        <input
          id="f-from"
          name="from"
          type="date"
          defaultValue={query.from && DAY_RE.test(query.from) ? query.from : ''}
          className={controlClass}
        />
      </div>
      <div>
        <Label htmlFor="f-to">To (UTC, inclusive)</Label>
        <input
          id="f-to"
          name="to"
          type="date"
          defaultValue={query.to && DAY_RE.test(query.to) ? query.to : ''}
          className={controlClass}
        />
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
  const query = parseAuditListQuery(await searchParams);
  const caller = await requireSignedIn();
  let page;
  try {
    page = await listAuditEvents(caller, query);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Audit trail" />
        <Alert>Only auditors and administrators can read the audit trail.</Alert>
      </>
    );
  }
  const [actions, chainStatus, retention] = await Promise.all([
    listAuditActions(caller),
    latestChainStatus(caller),
    getAuditRetention(caller),
  ]);
  const { after, ...filters } = query;
  const filtered = Object.values(filters).some(Boolean);
  // The export links carry exactly the filters in the URL (never the page cursor).
  const filterQuery = auditListHref(filters, '').replace(/^\?/, '');

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every sign-in, change and refused attempt, newest first. Events cannot be edited or deleted. Times are UTC."
        actions={<LinkButton href="/audit/verify">Verify a bundle</LinkButton>}
      />
      <ChainStatusPanel status={chainStatus} />
      <RetentionLine retention={retention} canChange={can(caller.user.role, 'admin.retention')} />
      <Filters query={query} actions={actions} />
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
