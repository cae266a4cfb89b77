// Every secret's posture as an export source (CSV): name, environment, owner team,
// classification, score and each check's result, for the whole organisation or one team,
// read in keyset batches (lowest score first within each classification, as "what to fix
// first" orders them). Audited as `posture.export` with the team as it starts.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { db } from '@/lib/db';
import { neutraliseFormula } from '@/lib/export/csv/write';
import { keysetBatches } from '@/lib/export/keyset-batches';
import { defineExportSource, describeFilters } from '@/lib/export/source';
import { POSTURE_CHECKS } from '@/lib/posture/checks';
import type { TPostureExportQuery } from '@/lib/validation/posture';

const BATCH = 1000;

type Row = { id: string; name: string; environment: string; owner: string; classification: string; score: number; checks: Record<string, boolean | null> };

const RESULT = (value: boolean | null | undefined) => (value === true ? 'pass' : value === false ? 'fail' : 'n/a');

async function* readBatches(query: TPostureExportQuery): AsyncGenerator<Row[]> {
  const team = query.team ? [Prisma.sql`p.owner_team_id = ${query.team}::uuid`] : [];
  type Cursor = { classification: string; score: number; id: string };
  const batch = (after: Cursor | null) => {
    const where = after
      ? [...team, Prisma.sql`(p.classification, p.score, p.secret_id) > (${after.classification}::"Classification", ${after.score}::int, ${after.id}::uuid)`]
      : team;
    return db.$queryRaw<Row[]>`
      SELECT s.id::text, s.name, e.name AS environment, t.name AS owner, p.classification::text, p.score, p.checks
      FROM secret_postures p JOIN secrets s ON s.id = p.secret_id JOIN environments e ON e.id = s.environment_id JOIN teams t ON t.id = s.owner_team_id
      WHERE ${where.length ? Prisma.join(where, ' AND ') : Prisma.sql`TRUE`}
      ORDER BY p.classification, p.score, p.secret_id
      LIMIT ${BATCH}`;
  };
  yield* keysetBatches(
    BATCH,
    batch,
    (last) => ({ classification: last.classification, score: last.score, id: last.id }),
    (row) => row,
  );
}

export const postureSource = defineExportSource<TPostureExportQuery, Row>({
  name: 'secret-posture',
  permission: 'inventory.export',
  columns: ['Secret Name', 'Environment', 'Owner', 'Classification', 'Score', ...POSTURE_CHECKS.map((c) => c.label)],
  formats: ['csv'],
  audit: { action: 'posture.export', targetType: 'secret', when: 'start' },
  describe: describeFilters(['team']),
  rows: (query) => readBatches(query),
  csvRecord: (row) =>
    [row.name, row.environment, row.owner, row.classification, String(row.score), ...POSTURE_CHECKS.map((c) => RESULT(row.checks[c.key]))].map(
      neutraliseFormula,
    ),
});
