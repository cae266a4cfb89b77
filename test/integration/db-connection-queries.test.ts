// One connection runs one query at a time. Inside an interactive transaction Prisma's pg
// adapter sends the reads of a multi-relation query at once on the transaction's single
// connection, which pg deprecates (a DeprecationWarning on the console of every start; an
// error from pg 9). lib/db.ts queues them on the connection instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeAll(() => void process.on('warning', onWarning));
afterAll(() => void process.off('warning', onWarning));

it('reads several relations inside a transaction without overlapping queries on its connection', async () => {
  const team = await db.team.create({ data: { name: 'Payments' } });
  const read = await db.$transaction((tx) => tx.team.findUniqueOrThrow({ where: { id: team.id }, include: { secrets: true, systems: true, members: true } }));
  expect(read).toMatchObject({ name: 'Payments', secrets: [], systems: [], members: [] });
  // Deprecation warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).not.toContainEqual(expect.stringMatching(/already executing a query/));
});
