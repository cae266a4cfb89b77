// THE negative-authorization table. Server actions and route handlers are public HTTP
// endpoints: anyone can call any action id from the client bundle with any arguments.
// Every one of them must refuse callers without the permission, change nothing, and
// (for signed-in callers) leave a 'denied' audit event.
//
// The build is the source of truth: this spec reads .next's manifests and FAILS when
// an action or route handler has no row here, so nothing ships untested.
//
// HOW TO ADD A ROW (a new server action):
//   1. Add an entry to ACTIONS keyed by the action's export name (use
//      'app/<path>/actions.ts#name' if two modules export the same name):
//        createTeamAction: {
//          permission: 'catalog.write',                      // what lib/data authorizes
//          args: async () => [{ name: 'team-x', description: '' }],   // would SUCCEED for a permitted caller
//          snapshot: tables('teams'),                        // every table the action writes
//        },
//      `args` gets a seeder ({ db, team(), system(teamId), secret(...), environmentId(), user(role) })
//      to create real targets: the test only proves something if the same call made by
//      an admin would have changed the snapshot.
//   2. A new route handler goes in ROUTES the same way ('/api/export/audit': { permission: 'audit.export' }).
// The spec then calls the action signed out and as every role that lacks the permission.
import type { Role } from '../generated/prisma/enums';
import { can, ROLES, type Permission } from '../lib/auth/permissions';
import {
  environmentId,
  insertSecret,
  insertSystem,
  insertTeam,
  insertUser,
  snapshotTables,
  type Db,
} from './support/db';
import { expect, test, type SignedIn } from './support/fixtures';
import { buildRouteHandlers, buildServerActions, callServerAction, type ServerAction } from './support/next-build';
import type { E2EState } from './support/state';

type Seeder = {
  db: Db;
  e2e: E2EState;
  team: () => ReturnType<typeof insertTeam>;
  system: (ownerTeamId?: string) => ReturnType<typeof insertSystem>;
  secret: (options?: { ownerTeamId?: string; environmentId?: string }) => ReturnType<typeof insertSecret>;
  environmentId: (name?: 'development' | 'staging' | 'production') => Promise<string>;
  user: (role: Role) => ReturnType<typeof insertUser>;
};

type ActionRow = {
  /** The permission the data layer checks; 'public' for actions anyone may call, which guard themselves. */
  permission: Permission | 'public';
  /** Arguments that would succeed for a permitted caller (create what they point at with the seeder). */
  args: (seed: Seeder) => unknown[] | Promise<unknown[]>;
  /** Reads everything the action could write; compared before and after each refused call. */
  snapshot: (db: Db) => Promise<unknown>;
  /** 'public' rows: the refusal every caller gets at this point of the run. */
  refusal?: RegExp;
};

const tables =
  (...names: string[]) =>
  (db: Db) =>
    snapshotTables(db, names);

// ---------------------------------------------------------------------------------
// One row per server action in the build.
const ACTIONS: Record<string, ActionRow> = {
  // Public by design (first-run setup), but closed once an account exists: even the
  // real token printed at start must not create a second administrator.
  completeSetupAction: {
    permission: 'public',
    args: ({ e2e }) => [{ token: e2e.setupToken, name: 'Mallory', email: 'mallory@example.test', password: 'mallory-long-password' }],
    snapshot: tables('users', 'setup_tokens'),
    refusal: /Setup is already complete/,
  },
};

type RouteRow =
  | { access: 'public' }
  | {
      permission: Permission;
      method?: 'GET' | 'POST';
      /** A concrete URL for dynamic routes, with a query that would succeed for a permitted caller. */
      path?: string;
      snapshot?: (db: Db) => Promise<unknown>;
    };

// One row per route handler in the build. Signed out => 401, signed in without the
// permission => 403 and a 'denied' audit event.
const ROUTES: Record<string, RouteRow> = {
  '/api/auth/[...nextauth]': { access: 'public' },
  '/api/health': { access: 'public' },
  // e.g. '/api/export/inventory': { permission: 'inventory.export' },
};
// ---------------------------------------------------------------------------------

const ACTION_MANIFEST = buildServerActions() ?? [];
const ROUTE_MANIFEST = buildRouteHandlers() ?? [];

const rowKey = (action: ServerAction) =>
  `${action.filename}#${action.exportedName}` in ACTIONS ? `${action.filename}#${action.exportedName}` : action.exportedName;

type CallerKind = 'signed-out' | Role;
const refusedCallers = (permission: Permission | 'public'): CallerKind[] =>
  permission === 'public' ? ['signed-out', ...ROLES] : ['signed-out', ...ROLES.filter((role) => !can(role, permission))];

test.describe('the table covers the build', () => {
  test('every server action in the build has a row, and every row an action', () => {
    expect(buildServerActions(), 'no .next/server/server-reference-manifest.json: run `npx next build`').not.toBeNull();
    const names = ACTION_MANIFEST.map((a) => a.exportedName);
    const ambiguous = names.filter((n, i) => names.indexOf(n) !== i);
    const missing = ACTION_MANIFEST.filter((a) => !(rowKey(a) in ACTIONS)).map((a) => `${a.exportedName} (${a.filename})`);
    const stale = Object.keys(ACTIONS).filter((key) => !ACTION_MANIFEST.some((a) => rowKey(a) === key));
    expect(missing, 'server actions without a row in ACTIONS (add one: see the top of this file)').toEqual([]);
    expect(stale, 'rows in ACTIONS for actions the build does not have (renamed or removed?)').toEqual([]);
    for (const name of new Set(ambiguous)) {
      expect(
        ACTION_MANIFEST.filter((a) => a.exportedName === name).every((a) => `${a.filename}#${name}` in ACTIONS),
        `several modules export ${name}: key their rows as '<file>#${name}'`,
      ).toBe(true);
    }
  });

  test('every route handler in the build has a row, and every row a route', () => {
    expect(buildRouteHandlers(), 'no .next/server/app-paths-manifest.json: run `npx next build`').not.toBeNull();
    expect(ROUTE_MANIFEST.filter((r) => !(r in ROUTES)), 'route handlers without a row in ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !ROUTE_MANIFEST.includes(r)), 'rows in ROUTES for routes the build does not have').toEqual([]);
  });
});

test.describe('server actions refuse callers without the permission', () => {
  for (const action of ACTION_MANIFEST) {
    const row = ACTIONS[rowKey(action)];
    if (!row) continue; // reported by the coverage test above
    for (const caller of refusedCallers(row.permission)) {
      test(`${action.exportedName} (${row.permission}) refuses ${caller === 'signed-out' ? 'signed-out callers' : `role ${caller}`}`, async ({
        db,
        e2e,
        playwright,
        sessionAs,
        auditEvents,
        auditMark,
      }) => {
        const seeder: Seeder = {
          db,
          e2e,
          team: () => insertTeam(db),
          system: async (ownerTeamId) => insertSystem(db, ownerTeamId ?? (await insertTeam(db)).id),
          secret: async (options = {}) =>
            insertSecret(db, {
              ownerTeamId: options.ownerTeamId ?? (await insertTeam(db)).id,
              environmentId: options.environmentId ?? (await environmentId(db)),
            }),
          environmentId: (name) => environmentId(db, name),
          user: (role) => insertUser(db, role),
        };
        const args = await row.args(seeder);
        const session: SignedIn | null = caller === 'signed-out' ? null : await sessionAs(caller);
        const request = session?.request ?? (await playwright.request.newContext({ baseURL: e2e.baseURL }));
        const before = await row.snapshot(db);
        const mark = await auditMark();

        const outcome = await callServerAction(request, e2e.baseURL, action, args);
        if (!session) await request.dispose();

        expect(outcome.status, `HTTP status; body:\n${outcome.body.slice(0, 500)}`).toBe(200);
        expect(outcome.thrown, 'the action threw instead of refusing cleanly').toBeUndefined();
        if (row.permission === 'public') {
          expect(outcome.result).toMatchObject({ ok: false, error: expect.stringMatching(row.refusal ?? /./) });
        } else if (!session) {
          // Signed out: the data layer's refusal, or a redirect to the sign-in page.
          if (outcome.redirect) expect(outcome.redirect).toBe('/sign-in');
          else expect(outcome.result).toEqual({ ok: false, error: 'Sign in to continue.' });
        } else {
          expect(outcome.redirect).toBeNull();
          expect(outcome.result).toEqual({ ok: false, error: 'You do not have permission to do that.' });
        }

        expect(await row.snapshot(db), 'the refused call changed the database').toEqual(before);

        if (session && row.permission !== 'public') {
          const denied = await auditEvents({ afterId: mark, actorId: session.user.id, outcome: 'denied' });
          expect(denied.map((e) => e.detail?.permission), 'a denied audit event naming the permission').toEqual([row.permission]);
          expect(denied[0].actorRole).toBe(caller);
        }
      });
    }
  }
});

test.describe('route handlers refuse callers without the permission', () => {
  for (const [route, row] of Object.entries(ROUTES)) {
    if (!('permission' in row)) continue;
    for (const caller of refusedCallers(row.permission)) {
      test(`${route} (${row.permission}) refuses ${caller === 'signed-out' ? 'signed-out callers' : `role ${caller}`}`, async ({
        db,
        e2e,
        playwright,
        sessionAs,
        auditEvents,
        auditMark,
      }) => {
        const session = caller === 'signed-out' ? null : await sessionAs(caller);
        const request = session?.request ?? (await playwright.request.newContext({ baseURL: e2e.baseURL }));
        const before = await row.snapshot?.(db);
        const mark = await auditMark();
        const response = await request.fetch(row.path ?? route, { method: row.method ?? 'GET', maxRedirects: 0 });
        const body = await response.text();
        if (!session) await request.dispose();

        expect(response.status(), body.slice(0, 300)).toBe(session ? 403 : 401);
        if (row.snapshot) expect(await row.snapshot(db), 'the refused call changed the database').toEqual(before);
        if (session) {
          const denied = await auditEvents({ afterId: mark, actorId: session.user.id, outcome: 'denied' });
          expect(denied.map((e) => e.detail?.permission), 'a denied audit event naming the permission').toEqual([row.permission]);
        }
      });
    }
  }
});
