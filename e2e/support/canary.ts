// The canary's instruments (e2e/canary.spec.ts, e2e/leak-check.spec.ts): everything the
// browser received and asked for, the database as a dump shows it, and which of those
// places hold a needle.
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import type { Db } from './db';
import type { E2EState } from './state';

/** Everything the browser received and asked for, from the moment this is called. */
export function recordTraffic(page: Page, { postedBodies = true }: { postedBodies?: boolean } = {}) {
  const bodies: Promise<string>[] = [];
  const urls: string[] = [];
  page.on('request', (request) => {
    urls.push(request.url());
    const posted = request.postData();
    if (postedBodies && posted && request.url().includes('/api/')) urls.push(posted); // forms posted to route handlers
  });
  page.on('response', (response) => {
    bodies.push(
      response.body().then(
        (b) => b.toString('utf8'),
        () => '',
      ),
    );
  });
  page.on('framenavigated', (frame) => urls.push(frame.url()));
  return { received: async () => (await Promise.all(bodies)).join('\n'), urls };
}

/** The database as a dump would show it: pg_dump when its version can read the server,
 *  and every row of every table as JSON in any case. */
export async function dumpDatabase(db: Db, e2e: E2EState): Promise<string> {
  let dump = '';
  try {
    dump = execFileSync('pg_dump', ['--data-only', e2e.databaseUrl], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  } catch {
    // pg_dump missing or older than the server (an embedded PostgreSQL 18): the rows below still cover every table.
  }
  const { rows } = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  for (const { t } of rows) {
    const table = await db.query(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`);
    dump += table.rows.map((r) => r.row).join('\n');
  }
  return dump;
}

/** Which of the places (by name) contain the needle; the haystacks are too big to print. */
export function placesHolding(needle: string, places: Record<string, string>): string[] {
  return Object.entries(places)
    .filter(([, text]) => text.includes(needle))
    .map(([name]) => name);
}
