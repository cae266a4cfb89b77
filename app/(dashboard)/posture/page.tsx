import type { Metadata } from 'next';
import Link from 'next/link';
import { ClassificationBadge } from '@/components/inventory/secret-badges';
import { CHECK_SHORT_LABELS, formatScore, scoreTone } from '@/components/posture/labels';
import { PostureTrend } from '@/components/posture/posture-trend';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterBar, FilterSelect } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { RangeNav } from '@/components/ui/range-nav';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { appClock } from '@/lib/clock';
import { listTeamOptions } from '@/lib/data/catalog';
import { fixFirst, postureOverview, type FixFirstItem, type PostureFigures } from '@/lib/data/posture';
import { myTeamIds } from '@/lib/data/team-members';
import { listHref } from '@/lib/validation/list-url';
import { parsePostureQuery, POSTURE_CHECK_KEYS, POSTURE_RANGES } from '@/lib/validation/posture';
import { secretListHref } from '@/lib/validation/secret-list';

export const metadata: Metadata = { title: 'Posture' };

type Params = Promise<Record<string, string | string[] | undefined>>;

const DEFAULT_RANGE = 30;
const number = new Intl.NumberFormat('en-US');

function ScoreTile({ label, figures }: { label: string; figures: PostureFigures | null }) {
  return (
    <div className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <p className="text-sm font-medium text-slate-700">{label}</p>
      {figures ? (
        <>
          <p className="mt-1 flex items-baseline gap-2">
            <span className="text-4xl font-semibold tabular-nums tracking-tight text-slate-900">{formatScore(figures.score)}</span>
            <span className="text-sm text-slate-500">/ 100</span>
          </p>
          <p className="mt-1 text-xs text-slate-500">average over {number.format(figures.secrets)} secrets in use</p>
        </>
      ) : (
        <p className="mt-2 text-sm text-slate-600">No secrets in use.</p>
      )}
    </div>
  );
}

/** One bar per check: how many secrets fail it, each a link to them in the inventory. */
function FailingChecks({ figures, owner }: { figures: PostureFigures; owner?: string }) {
  const rows = POSTURE_CHECK_KEYS.map((key) => ({ key, count: figures.failing[key] ?? 0 })).sort((a, b) => b.count - a.count);
  return (
    <ul className="space-y-2.5" aria-label="Secrets failing each check">
      {rows.map(({ key, count }) => (
        <li key={key} className="grid grid-cols-[minmax(10rem,14rem)_1fr_auto] items-center gap-3 text-sm">
          <Link href={secretListHref({ failing: key, owner })} className="text-accent-700 hover:underline">
            {CHECK_SHORT_LABELS[key]}
          </Link>
          <div aria-hidden className="h-2.5 overflow-hidden rounded-full bg-slate-100">
            <div
              className={cn('h-full rounded-full', count ? 'bg-amber-500' : '')}
              style={{ width: `${figures.secrets ? (count / figures.secrets) * 100 : 0}%`, minWidth: count ? '4px' : 0 }}
            />
          </div>
          <span className="tabular-nums text-slate-900">
            {number.format(count)}
            <span className="ml-1 text-xs text-slate-500">{figures.secrets ? `${Math.round((count / figures.secrets) * 100)}%` : ''}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

const FIX_COLUMNS: Column<FixFirstItem>[] = [
  {
    header: 'Secret',
    className: 'min-w-48',
    cell: (item) => (
      <>
        <Link href={`/inventory/${item.id}`} className="font-medium break-words text-accent-700 hover:underline">
          {item.name}
        </Link>
        <span className="block text-xs text-slate-500">
          {item.environment} · {item.ownerTeam}
        </span>
      </>
    ),
  },
  { header: 'Classification', cell: (item) => <ClassificationBadge value={item.classification} /> },
  { header: 'Score', numeric: true, cell: (item) => <Badge tone={scoreTone(item.score)}>{item.score}</Badge> },
  {
    header: 'To fix',
    cell: (item) => (
      <ul className="flex flex-wrap gap-1">
        {item.failing.map((key) => (
          <li key={key}>
            <Badge tone="amber">{CHECK_SHORT_LABELS[key]}</Badge>
          </li>
        ))}
      </ul>
    ),
  },
];

export default async function PosturePage({ searchParams }: { searchParams: Params }) {
  const query = parsePostureQuery(await searchParams);
  const caller = await requireSignedIn();
  const [teams, mine] = await Promise.all([listTeamOptions(caller), myTeamIds(caller)]);
  // A team lead lands on their own team; `team=` (empty) in the URL asks for everyone.
  const rawTeam = (await searchParams).team;
  const team = query.team ?? (rawTeam === undefined ? mine[0] : undefined);
  const range = query.range ?? DEFAULT_RANGE;
  const [overview, list] = await Promise.all([postureOverview(caller, { team, range }, appClock().now()), fixFirst(caller, { team, after: query.after })]);
  const teamName = team ? (teams.find((t) => t.id === team)?.name ?? 'this team') : null;
  const who = teamName ?? 'the organisation';
  // Links keep the chosen team; the whole organisation is `team=` (empty), so a team lead's
  // own team does not come back when they chose everyone.
  const here = (extra: Record<string, unknown>) => {
    const href = listHref('/posture', { team, range: range === DEFAULT_RANGE ? undefined : range, ...extra });
    return team ? href : `${href}${href.includes('?') ? '&' : '?'}team=`;
  };

  return (
    <>
      <PageHeader
        title="Posture"
        description="How every secret stands against the practices that keep it safe: an owner to call, declared consumers, rotation on schedule with a grace period, a value of its own, and no unknown readers."
        actions={
          can(caller.user.role, 'inventory.export') ? (
            <a href={listHref('/api/export/posture', { team })} className={buttonClass('secondary')} download>
              Export CSV
            </a>
          ) : undefined
        }
      />

      <FilterBar action="/posture" label="Choose a team" submitLabel="Show">
        <FilterSelect
          id="posture-team"
          label="Team"
          name="team"
          value={team}
          anyLabel="Whole organisation"
          options={teams.map((t) => ({ value: t.id, label: mine.includes(t.id) ? `${t.name} (yours)` : t.name }))}
          width="w-72"
        />
        {range !== DEFAULT_RANGE && <input type="hidden" name="range" value={range} />}
      </FilterBar>

      {!overview.day ? (
        <EmptyState title="No posture computed yet">The worker scores every secret every 15 minutes. Come back shortly.</EmptyState>
      ) : (
        <div className="space-y-6">
          <div className="grid gap-4 sm:grid-cols-2">
            {teamName && <ScoreTile label={`${teamName}`} figures={overview.team} />}
            <ScoreTile label="Whole organisation" figures={overview.org} />
          </div>

          <div className="grid gap-6 xl:grid-cols-2">
            <Card title={`Score over time: ${who}`}>
              <RangeNav ranges={POSTURE_RANGES} current={range} hrefFor={(r) => here({ range: r === DEFAULT_RANGE ? undefined : r })} />
              <PostureTrend points={overview.series} days={range} today={overview.day} who={who} />
            </Card>
            <Card title={`Failing checks: ${who}`}>
              {(overview.team ?? (teamName ? null : overview.org)) ? (
                <FailingChecks figures={(overview.team ?? overview.org)!} owner={team} />
              ) : (
                <p className="text-sm text-slate-600">This team owns no secrets in use.</p>
              )}
            </Card>
          </div>

          <section aria-labelledby="fix-first">
            <h2 id="fix-first" className="mb-3 text-lg font-semibold text-slate-900">
              What to fix first{teamName ? `: ${teamName}` : ''}
            </h2>
            <DataTable
              caption="Secrets that fail a check, most sensitive and lowest score first"
              items={list.items}
              itemKey={(item) => item.id}
              columns={FIX_COLUMNS}
              empty={<EmptyState title="Nothing to fix">Every secret passes every check that applies to it.</EmptyState>}
              pager={<Pager firstHref={query.after ? here({}) : undefined} nextHref={list.nextCursor ? here({ after: list.nextCursor }) : undefined} />}
            />
          </section>

          <section aria-labelledby="team-scores">
            <h2 id="team-scores" className="mb-3 text-lg font-semibold text-slate-900">
              Teams
            </h2>
            <DataTable
              caption="Posture score per team, lowest first"
              items={overview.teams}
              itemKey={(t) => t.id}
              columns={[
                {
                  header: 'Team',
                  cell: (t) => (
                    <Link href={listHref('/posture', { team: t.id })} className="font-medium text-accent-700 hover:underline">
                      {t.name}
                    </Link>
                  ),
                },
                { header: 'Secrets', numeric: true, cell: (t) => number.format(t.secrets) },
                { header: 'Score', numeric: true, cell: (t) => <Badge tone={scoreTone(t.score)}>{formatScore(t.score)}</Badge> },
                {
                  header: 'Change in 7 days',
                  numeric: true,
                  cell: (t) => {
                    if (t.previousScore === null) return <span className="text-slate-500">—</span>;
                    const delta = Math.round((t.score - t.previousScore) * 10) / 10;
                    return (
                      <span className={delta > 0 ? 'text-emerald-700' : delta < 0 ? 'text-red-700' : 'text-slate-600'}>
                        {delta > 0 ? '+' : ''}
                        {formatScore(delta)}
                      </span>
                    );
                  },
                },
              ]}
            />
          </section>
        </div>
      )}
    </>
  );
}
