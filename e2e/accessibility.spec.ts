// Every page of the app, scanned by axe-core (e2e/support/axe.ts) as each role sees it,
// with seeded rows so tables, forms and tabs have content, plus empty states, refusals
// and not-found pages. A page added under app/ belongs in PAGES below. The database
// outage page is scanned where an outage is made: e2e/database-outage.spec.ts.
import type { Role } from '../generated/prisma/enums';
import { expectNoSeriousViolations } from './support/axe';
import {
  connectSecret,
  environmentId,
  insertAdoption,
  gateSecret,
  insertApproval,
  insertAuditSink,
  insertChannel,
  insertConnection,
  insertIncident,
  insertLeakFinding,
  insertLeakScan,
  insertRotationRun,
  insertSecret,
  insertSystem,
  insertTeam,
  insertUser,
} from './support/db';
import { expect, test } from './support/fixtures';

type Seeded = {
  secretId: string;
  busyId: string;
  heldId: string;
  failedRunId: string;
  incidentId: string;
  systemId: string;
  teamId: string;
  connectionId: string;
  channelId: string;
  sinkId: string;
  leakScanId: string;
  leakFindingId: string;
};

const NONE = '00000000-0000-4000-8000-000000000000';
const ALL: Role[] = ['admin', 'engineer', 'viewer', 'auditor'];
const WRITERS: Role[] = ['admin', 'engineer'];

// Path templates ([name] filled from the seeded rows) and the roles that visit them. Pages
// a role may not use are visited by one such role too: the refusal is a page as well.
const PAGES: { path: string; roles: Role[] }[] = [
  { path: '/', roles: ALL },
  { path: '/inventory', roles: ALL },
  { path: '/inventory?q=no-such-secret-anywhere', roles: ['viewer'] },
  { path: '/inventory/new', roles: [...WRITERS, 'viewer'] },
  { path: '/inventory/import', roles: [...WRITERS, 'viewer'] },
  { path: '/inventory/[secretId]', roles: ALL },
  { path: '/inventory/[secretId]/access', roles: ALL },
  { path: '/inventory/[secretId]/manage', roles: ALL },
  { path: '/inventory/[secretId]/rotation', roles: ALL },
  { path: '/inventory/[secretId]/edit', roles: [...WRITERS, 'viewer'] },
  { path: '/inventory/[secretId]/incidents/[incidentId]', roles: ALL },
  { path: '/inventory/[secretId]/rotation?finding=[leakFindingId]', roles: WRITERS },
  // Under the two-person rule, a value write waiting for approval and a rotation under way.
  { path: '/inventory/[busyId]', roles: ['admin', 'engineer'] },
  { path: '/inventory/[busyId]/manage', roles: ['admin', 'engineer'] },
  { path: '/inventory/[busyId]/rotation', roles: ['admin', 'engineer'] },
  // A grace period held for stragglers: the consumers, the finding, the banner, the timeline.
  { path: '/inventory/[heldId]/rotation', roles: ALL },
  { path: '/inventory/[secretId]/rotation?run=[failedRunId]', roles: ['viewer'] },
  { path: `/inventory/${NONE}`, roles: ['viewer'] },
  { path: '/rotation', roles: ALL },
  { path: '/rotation/calendar', roles: ALL },
  { path: '/discovery/drift', roles: ALL },
  { path: '/orphans', roles: ALL },
  { path: '/orphans?tab=undeclared&days=30', roles: ['viewer'] },
  { path: '/systems', roles: ALL },
  { path: '/systems?q=no-such-system-anywhere', roles: ['viewer'] },
  { path: '/systems/new', roles: [...WRITERS, 'viewer'] },
  { path: '/systems/[systemId]', roles: ALL },
  { path: '/systems/[systemId]/edit', roles: WRITERS },
  { path: `/systems/${NONE}`, roles: ['viewer'] },
  { path: '/teams', roles: ALL },
  { path: '/teams/new', roles: WRITERS },
  { path: '/teams/[teamId]', roles: ALL },
  { path: '/teams/[teamId]/edit', roles: WRITERS },
  { path: `/teams/${NONE}`, roles: ['viewer'] },
  { path: '/audit', roles: ['admin', 'auditor', 'viewer'] },
  { path: '/audit?action=no.such.action', roles: ['auditor'] },
  { path: '/audit/verify', roles: ['admin', 'auditor'] },
  { path: '/posture', roles: ALL },
  { path: '/leaks', roles: ALL },
  { path: '/leaks/[leakScanId]', roles: ['admin', 'auditor', 'engineer'] },
  { path: '/leaks/[leakScanId]?severity=pattern', roles: ['admin'] },
  { path: '/account', roles: ALL },
  { path: '/api-docs', roles: ALL },
  { path: '/two-factor', roles: ['viewer'] },
  { path: '/settings/users', roles: ['admin', 'engineer'] },
  { path: '/settings/users/new', roles: ['admin'] },
  { path: '/settings/providers', roles: ['admin'] },
  { path: '/settings/providers/new', roles: ['admin'] },
  { path: '/settings/providers/[connectionId]', roles: ['admin'] },
  { path: '/settings/database-hosts', roles: ['admin'] },
  { path: '/discovery', roles: ['admin', 'engineer'] },
  { path: '/discovery/adopt', roles: ['admin'] },
  { path: '/settings/policies', roles: ['admin'] },
  { path: '/settings/notifications', roles: ['admin'] },
  { path: '/settings/notifications/new', roles: ['admin'] },
  { path: '/settings/notifications/[channelId]', roles: ['admin'] },
  { path: '/settings/retention', roles: ['admin'] },
  // A seeded sink on a refusing port: its card shows the error the worker records.
  { path: '/settings/audit-sinks', roles: ['admin', 'engineer'] },
  { path: '/settings/audit-sinks/new', roles: ['admin'] },
  { path: '/settings/audit-sinks/[sinkId]/edit', roles: ['admin'] },
  { path: '/no-such-page', roles: ['viewer'] },
];

// Signed out: the auth pages (first-run setup, open only before any account exists, is
// scanned in e2e/setup.spec.ts).
const PUBLIC = ['/sign-in', '/sign-in?error=CredentialsSignin', '/invite', '/no-such-page'];

let seeded: Seeded | undefined;

test.beforeAll(async ({ db }) => {
  const team = await insertTeam(db);
  const connection = await insertConnection(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, connection.id, `production/${secret.name}`);
  const system = await insertSystem(db, team.id);
  await db.query(`INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)`, [secret.id, system.id]);
  const failedRun = await insertRotationRun(db, secret.id, { state: 'failed' });
  const incident = await insertIncident(db, secret.id);
  // An email channel with a route: the page shows recipients and ticked route boxes.
  const channel = await insertChannel(db, { kind: 'email', recipients: ['team-lead@example.test'], teamIds: [team.id], classifications: ['critical'] });
  const busy = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, busy.id, connection.id, `production/${busy.name}`);
  await gateSecret(db, busy.id);
  await insertApproval(db, busy.id, await insertUser(db, 'engineer'));
  await insertRotationRun(db, busy.id, { state: 'awaiting_value' });
  const held = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, held.id, connection.id, `production/${held.name}`);
  const moved = await insertSystem(db, team.id);
  for (const s of [system, moved]) await db.query(`INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)`, [held.id, s.id]);
  const heldRun = await insertRotationRun(db, held.id, {
    state: 'in_grace',
    strategy: 'alternating_users',
    previousVersionId: '1',
    newVersionId: '2',
    heldAt: new Date(),
  });
  await db.query(`UPDATE rotation_runs SET new_user = 'orders_app_b', retiring_user = 'orders_app_a', adoption_checked_at = now() WHERE id = $1`, [heldRun.id]);
  await insertAdoption(db, heldRun.id, {
    systemId: system.id,
    label: system.name,
    onOld: true,
    evidence: { oldSessions: 3, newSessions: 0, clients: '10.0.0.5', applications: 'orders-api' },
  });
  await insertAdoption(db, heldRun.id, {
    systemId: moved.id,
    label: moved.name,
    movedAt: new Date(),
    evidence: { oldSessions: 0, newSessions: 2, clients: '10.0.0.6', applications: '' },
  });
  await insertAdoption(db, heldRun.id, {
    label: '10.0.0.9 · cron',
    onOld: true,
    evidence: { oldSessions: 1, newSessions: 0, clients: '10.0.0.9', applications: 'cron' },
  });
  const leakScan = await insertLeakScan(db, null);
  const leakFinding = await insertLeakFinding(db, leakScan.id, secret.id);
  await insertLeakFinding(db, leakScan.id, null);
  await db.query(`UPDATE incidents SET leak_finding_id = $1 WHERE id = $2`, [leakFinding.id, incident.id]);
  const sink = await insertAuditSink(db);
  seeded = {
    leakScanId: leakScan.id,
    leakFindingId: leakFinding.id,
    secretId: secret.id,
    busyId: busy.id,
    heldId: held.id,
    failedRunId: failedRun.id,
    incidentId: incident.id,
    systemId: system.id,
    teamId: team.id,
    connectionId: connection.id,
    channelId: channel.id,
    sinkId: sink.id,
  };
});

const fill = (template: string) => template.replace(/\[(\w+)\]/g, (_, name: keyof Seeded) => seeded![name]);

for (const path of PUBLIC) {
  test(`signed out: ${path}`, async ({ page }) => {
    await page.goto(path);
    await expectNoSeriousViolations(page, `signed out ${path}`);
  });
}

for (const { path, roles } of PAGES) {
  for (const role of roles) {
    test(`${role}: ${path}`, async ({ memberOf }) => {
      // In the owning team, so team-scoped forms and buttons are on the page.
      const session = await memberOf(role, seeded!.secretId);
      const page = await (await session.browserContext()).newPage();
      try {
        await page.goto(fill(path));
        await expectNoSeriousViolations(page, `${role} ${path}`);
      } finally {
        await page.close();
      }
    });
  }
}

// States a page reaches only after a click: an expanded row, a refused sign-in.
test('auditor: /audit with an event expanded', async ({ signedInContext }) => {
  const page = await (await (await signedInContext('auditor')).browserContext()).newPage();
  await page.goto('/audit');
  await page
    .getByRole('button', { name: /^Show details of event/ })
    .first()
    .click();
  await expect(page.getByRole('button', { name: /^Hide details of event/ }).first()).toBeVisible();
  await expectNoSeriousViolations(page, 'auditor /audit, event expanded');
  await page.close();
});

test('signed out: /sign-in after a wrong password', async ({ page, seedUser }) => {
  const user = await seedUser('viewer');
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\w/ }).first()).toBeVisible();
  await expectNoSeriousViolations(page, 'signed out /sign-in, refused');
});

// The inventory re-renders its rows in the browser after a sort or filter change: the
// new view is as accessible as a first load, the sort state is announced, and focus
// stays on the header that was used.
test('viewer: /inventory after sorting in the browser', async ({ signedInContext }) => {
  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  await page.goto('/inventory');
  const table = page.getByRole('table', { name: 'Secrets in this view' });
  await expect(table.getByRole('columnheader', { name: /^Name/ })).toHaveAttribute('aria-sort', 'ascending');
  await table.getByRole('link', { name: /^Name/ }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('sort') === '-name');
  await expect(table.getByRole('columnheader', { name: /^Name/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(table.getByRole('link', { name: /^Name/ })).toBeFocused();
  await expectNoSeriousViolations(page, 'viewer /inventory, sorted in the browser');
  await page.close();
});
