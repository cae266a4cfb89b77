// The `test` every spec imports: Playwright's, plus the e2e database and helpers to
// seed users, sign in (through the form, or straight through next-auth's endpoints
// for API-level tests) and read the audit trail.
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import type { Role } from '../../generated/prisma/enums';
import { auditEvents, insertUser, joinOwningTeam, latestAuditId, openDb, type AuditFilter, type AuditRow, type Db, type SeededUser } from './db';
import { readState, type E2EState } from './state';

export { expect };

/** next-auth's session cookie name over plain http (https adds a __Secure- prefix). */
export const SESSION_COOKIE = 'next-auth.session-token';

export type SignedIn = {
  user: SeededUser;
  /** API client carrying the user's session cookie. */
  request: APIRequestContext;
  /** A browser context signed in as the same user (made on first call, closed with the fixture). */
  browserContext: () => Promise<BrowserContext>;
};

type UserOptions = Parameters<typeof insertUser>[2];

type TestFixtures = {
  seedUser: (role: Role, options?: UserOptions) => Promise<SeededUser>;
  /** Signs in through the real form; resolves once the page has left /sign-in or shows why not. */
  signIn: (page: Page, email: string, password: string) => Promise<void>;
  /** A new user of `role`, signed in through next-auth's CSRF + credentials endpoints. */
  signedInContext: (role: Role, options?: UserOptions) => Promise<SignedIn>;
  /** signedInContext for a new user in the teams that own these secrets (team-scoped actions need it). */
  memberOf: (role: Role, ...secretIds: string[]) => Promise<SignedIn>;
  auditEvents: (filter?: AuditFilter) => Promise<AuditRow[]>;
  /** The newest audit event id now: pass it as `afterId` to see only what follows. */
  auditMark: () => Promise<number>;
};
type WorkerFixtures = {
  e2e: E2EState;
  db: Db;
  /** One signed-in user per role, shared by the tests of a worker (for long tables of API calls). */
  sessionAs: (role: Role) => Promise<SignedIn>;
};

// Tests talk to loopback only (the app and the OIDC provider); anything else a page
// asks for (the provider's login screen imports a web font) is refused, not fetched.
async function keepOnLoopback(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => !['localhost', '127.0.0.1'].includes(url.hostname),
    (route) => route.abort('blockedbyclient'),
  );
}

type Opened = { dispose: () => Promise<void> }[];

async function signInOverHttp(
  env: { playwright: PlaywrightWorkerArgs['playwright']; browser: Browser; e2e: E2EState; opened: Opened },
  user: SeededUser,
): Promise<SignedIn> {
  const { playwright, browser, e2e, opened } = env;
  const request = await playwright.request.newContext({ baseURL: e2e.baseURL });
  opened.push(request);
  // Exactly what next-auth's signIn('credentials') does in the browser (Origin included:
  // POSTs without one are refused as cross-site).
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email: user.email, password: user.password, callbackUrl: e2e.baseURL, json: 'true' },
    headers: { origin: e2e.baseURL },
    maxRedirects: 0,
  });
  const { cookies } = await request.storageState();
  if (!cookies.some((c) => c.name === SESSION_COOKIE)) {
    throw new Error(`Signing in ${user.email} (${user.role}) set no session cookie: HTTP ${response.status()} ${await response.text()}`);
  }
  let context: BrowserContext | undefined;
  return {
    user,
    request,
    browserContext: async () => {
      if (!context) {
        const made = await browser.newContext({ baseURL: e2e.baseURL, storageState: await request.storageState() });
        await keepOnLoopback(made);
        opened.push({ dispose: () => made.close() });
        context = made;
      }
      return context;
    },
  };
}

async function disposeAll(opened: Opened): Promise<void> {
  for (const item of opened.reverse()) await item.dispose().catch(() => {});
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  e2e: [async ({}, use) => use(readState()), { scope: 'worker' }],
  db: [
    async ({ e2e }, use) => {
      const db = openDb(e2e.databaseUrl);
      await use(db);
      await db.end();
    },
    { scope: 'worker' },
  ],
  sessionAs: [
    async ({ db, e2e, playwright, browser }, use) => {
      const opened: Opened = [];
      const sessions = new Map<Role, Promise<SignedIn>>();
      await use((role) => {
        if (!sessions.has(role)) {
          sessions.set(
            role,
            insertUser(db, role).then((user) => signInOverHttp({ playwright, browser, e2e, opened }, user)),
          );
        }
        return sessions.get(role)!;
      });
      await disposeAll(opened);
    },
    { scope: 'worker' },
  ],

  context: async ({ context }, use) => {
    await keepOnLoopback(context);
    await use(context);
  },

  seedUser: async ({ db }, use) => {
    await use((role, options) => insertUser(db, role, options));
  },

  signIn: async ({}, use) => {
    await use(async (page, email, password) => {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const away = page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 15_000 });
      const shown = page.getByRole('alert').filter({ hasText: /\w/ }).first().waitFor({ timeout: 15_000 });
      away.catch(() => {});
      shown.catch(() => {});
      await Promise.race([away, shown]);
    });
  },

  signedInContext: async ({ db, e2e, playwright, browser }, use) => {
    const opened: Opened = [];
    await use(async (role, options) => signInOverHttp({ playwright, browser, e2e, opened }, await insertUser(db, role, options)));
    await disposeAll(opened);
  },

  memberOf: async ({ db, signedInContext }, use) => {
    await use(async (role, ...secretIds) => {
      const signedIn = await signedInContext(role);
      for (const secretId of secretIds) await joinOwningTeam(db, secretId, signedIn.user.id);
      return signedIn;
    });
  },

  auditEvents: async ({ db }, use) => {
    await use((filter) => auditEvents(db, filter));
  },

  auditMark: async ({ db }, use) => {
    await use(() => latestAuditId(db));
  },
});
