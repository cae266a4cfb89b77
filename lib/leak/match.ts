// Which inventory secret a candidate string IS: each text is fingerprinted under every
// configured pepper (current and previous generations) and looked up by fingerprint in
// secret_versions (versions written through the dashboard) and provider_version_fingerprints
// (versions read by the backfill job). One statement per batch, probing the fingerprint
// indexes, so the cost grows with the candidates, not with the inventory. The texts live
// only in this call's memory; nothing of them is logged or stored.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { queryRows } from '@/lib/db';
import type { InventoryMatch } from '@/lib/leak/types';
import { fingerprintKeys, fingerprintWith } from '@/lib/values/fingerprint';

/** Candidate texts per lookup statement (times the number of peppers in fingerprints). */
export const MATCH_BATCH_SIZE = 2000;

type Row = { idx: number; secret_id: string; provider_version_id: string; version_id: string | null; is_current: boolean };

/**
 * The lookup of one batch. secret_versions rows match under their own key id, or under any
 * key when written before peppers had generations (key id null). A version is current when
 * it is its secret's newest version row; a backfilled fingerprint without a version row is
 * current when the provider called it current and no version row was written after it.
 */
export function matchStatement(fingerprints: Buffer[], keyIds: string[], indexes: number[]): Prisma.Sql {
  // Each candidate probes the index on its own (LATERAL ... OFFSET 0 keeps the planner from
  // turning the probes into a hash join over a sequential scan of the whole table).
  return Prisma.sql`
    WITH c AS (
      SELECT * FROM unnest(${fingerprints}::bytea[], ${keyIds}::text[], ${indexes}::int[]) AS c(fp, key_id, idx)
    )
    SELECT 0 AS src, c.idx, v.secret_id, v.provider_version_id, v.id AS version_id,
           NOT EXISTS (
             SELECT 1 FROM secret_versions n
              WHERE n.secret_id = v.secret_id AND n.created_at >= v.created_at AND (n.created_at, n.id) > (v.created_at, v.id)
           ) AS is_current
      FROM c
      CROSS JOIN LATERAL (
        SELECT v.id, v.secret_id, v.provider_version_id, v.created_at FROM secret_versions v
         WHERE v.fingerprint = c.fp AND (v.fingerprint_key_id = c.key_id OR v.fingerprint_key_id IS NULL)
        OFFSET 0
      ) v
    UNION ALL
    SELECT 1 AS src, c.idx, p.secret_id, p.provider_version_id, sv.id AS version_id,
           CASE WHEN sv.id IS NOT NULL THEN NOT EXISTS (
                  SELECT 1 FROM secret_versions n
                   WHERE n.secret_id = sv.secret_id AND n.created_at >= sv.created_at AND (n.created_at, n.id) > (sv.created_at, sv.id)
                )
                ELSE p.stage = 'current' AND NOT EXISTS (
                  SELECT 1 FROM secret_versions n WHERE n.secret_id = p.secret_id AND n.created_at > p.recorded_at
                )
           END AS is_current
      FROM c
      CROSS JOIN LATERAL (
        SELECT p.secret_id, p.provider_version_id, p.stage, p.recorded_at FROM provider_version_fingerprints p
         WHERE p.fingerprint = c.fp AND p.key_id = c.key_id
        OFFSET 0
      ) p
      LEFT JOIN secret_versions sv ON sv.secret_id = p.secret_id AND sv.provider_version_id = p.provider_version_id
     ORDER BY idx, src
  `;
}

/** Every inventory version among the texts: candidateIndex is the text's index in `texts`. */
export async function matchCandidates(texts: string[]): Promise<InventoryMatch[]> {
  const keys = fingerprintKeys();
  const matches: InventoryMatch[] = [];
  const seen = new Set<string>();
  for (let from = 0; from < texts.length; from += MATCH_BATCH_SIZE) {
    const batch = texts.slice(from, from + MATCH_BATCH_SIZE);
    const fingerprints: Buffer[] = [];
    const keyIds: string[] = [];
    const indexes: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      for (const key of keys) {
        const fingerprint = fingerprintWith(key, batch[i]);
        fingerprints.push(Buffer.from(fingerprint.buffer, fingerprint.byteOffset, fingerprint.byteLength));
        keyIds.push(key.id);
        indexes.push(from + i);
      }
    }
    const rows = await queryRows<Row>(matchStatement(fingerprints, keyIds, indexes));
    for (const row of rows) {
      // A version seen both as a written row and a backfilled fingerprint (or under two keys) is
      // one match; the written row (src 0, ordered first) says more.
      const id = `${row.idx}\u0000${row.secret_id}\u0000${row.provider_version_id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      matches.push({
        candidateIndex: row.idx,
        secretId: row.secret_id,
        providerVersionId: row.provider_version_id,
        versionId: row.version_id,
        severity: row.is_current ? 'current_value' : 'previous_value',
      });
    }
  }
  return matches.sort((a, b) => a.candidateIndex - b.candidateIndex);
}
