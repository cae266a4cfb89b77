// Which inventory secret a candidate string IS: each text is fingerprinted under every
// configured pepper (current and previous generations); fingerprints whose first 8 bytes
// are in the in-memory prefix filter of stored fingerprints (lib/leak/fingerprint-filter.ts,
// checked for changes before each batch) are looked up in secret_versions (versions written
// through the dashboard) and provider_version_fingerprints (versions read by the backfill
// job). One statement per batch that has any, probing the fingerprint indexes (one probe
// per fingerprint), so the cost grows with the candidates, not with the inventory; what
// was found is tied back to its candidates here. The texts live
// only in this call's memory; nothing of them is logged or stored.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { queryRows } from '@/lib/db';
import type { InventoryMatch } from '@/lib/leak/types';
import { currentFingerprintFilter } from '@/lib/leak/fingerprint-filter';
import { hexOfWords, hmacSha256Words } from '@/lib/leak/hmac';
import { fingerprintKeys, type FingerprintKey } from '@/lib/values/fingerprint';

/** Candidate texts per lookup statement (times the number of peppers in fingerprints). */
export const MATCH_BATCH_SIZE = 5000;

type Row = {
  src: number;
  fingerprint: string;
  key_id: string | null;
  secret_id: string;
  provider_version_id: string;
  version_id: string | null;
  is_current: boolean;
};

/** A bytea[] literal of hex fingerprints (built here: one string instead of pg's per-element escaping). */
function byteaArray(hex: string[]): string {
  return `{${hex.map((h) => `"\\\\x${h}"`).join(',')}}`;
}

/**
 * The lookup of one batch: every version whose fingerprint is one of the batch's, with
 * whether it is current. Each fingerprint probes the index on its own (LATERAL ... OFFSET 0
 * keeps the planner from hashing the batch against a scan of the whole table, which it
 * prefers while the table is small; the probes' cost does not grow with the inventory). A
 * version is current when it is its secret's newest version row; a backfilled fingerprint
 * without a version row is current when the provider called it current and no version row
 * was written after it. Which key made a row's fingerprint is checked by the caller.
 */
export function matchStatement(fingerprintsHex: string[]): Prisma.Sql {
  const array = byteaArray(fingerprintsHex);
  return Prisma.sql`
    WITH c AS (SELECT fp FROM unnest(${array}::bytea[]) AS c(fp)),
    v AS (
      SELECT v.* FROM c CROSS JOIN LATERAL (
        SELECT id, secret_id, provider_version_id, fingerprint, fingerprint_key_id, created_at
          FROM secret_versions WHERE fingerprint = c.fp OFFSET 0
      ) v
    ),
    p AS (
      SELECT p.* FROM c CROSS JOIN LATERAL (
        SELECT secret_id, provider_version_id, fingerprint, key_id, stage, recorded_at
          FROM provider_version_fingerprints WHERE fingerprint = c.fp OFFSET 0
      ) p
    )
    SELECT 0 AS src, encode(v.fingerprint, 'hex') AS fingerprint, v.fingerprint_key_id AS key_id, v.secret_id, v.provider_version_id, v.id AS version_id,
           NOT EXISTS (
             SELECT 1 FROM secret_versions n
              WHERE n.secret_id = v.secret_id AND n.created_at >= v.created_at AND (n.created_at, n.id) > (v.created_at, v.id)
           ) AS is_current
      FROM v
    UNION ALL
    SELECT 1 AS src, encode(p.fingerprint, 'hex'), p.key_id, p.secret_id, p.provider_version_id, sv.id,
           CASE WHEN sv.id IS NOT NULL THEN NOT EXISTS (
                  SELECT 1 FROM secret_versions n
                   WHERE n.secret_id = sv.secret_id AND n.created_at >= sv.created_at AND (n.created_at, n.id) > (sv.created_at, sv.id)
                )
                ELSE p.stage = 'current' AND NOT EXISTS (
                  SELECT 1 FROM secret_versions n WHERE n.secret_id = p.secret_id AND n.created_at > p.recorded_at
                )
           END
      FROM p
      LEFT JOIN LATERAL (
        SELECT id, secret_id, created_at FROM secret_versions
         WHERE secret_id = p.secret_id AND provider_version_id = p.provider_version_id OFFSET 0
      ) sv ON true
  `;
}

const fingerprinters = new Map<string, (text: string) => Int32Array>();

/** The fingerprint function of a key (lib/leak/hmac.ts: fingerprintWith's result, as 32-bit words, faster). */
function fingerprinterOf(key: FingerprintKey): (text: string) => Int32Array {
  let f = fingerprinters.get(key.pepper);
  if (!f) {
    f = hmacSha256Words(key.pepper);
    fingerprinters.set(key.pepper, f);
  }
  return f;
}

/** Every inventory version among the texts: candidateIndex is the text's index in `texts`. */
export async function matchCandidates(texts: string[]): Promise<InventoryMatch[]> {
  const keys = fingerprintKeys().map((key) => ({ id: key.id, fingerprint: fingerprinterOf(key) }));
  const matches: InventoryMatch[] = [];
  for (let from = 0; from < texts.length; from += MATCH_BATCH_SIZE) {
    const to = Math.min(texts.length, from + MATCH_BATCH_SIZE);
    // fingerprint (hex) -> the candidates it is the fingerprint of, and under which key.
    // Only fingerprints whose prefix is stored: the filter holds every fingerprint committed
    // before this batch (null: it cannot tell, every fingerprint is looked up).
    const filter = await currentFingerprintFilter();
    const wanted = new Map<string, { index: number; keyId: string }[]>();
    for (let i = from; i < to; i++) {
      for (const key of keys) {
        const words = key.fingerprint(texts[i]);
        if (filter && !filter.has(words[0] >>> 0, words[1] >>> 0)) continue;
        const hex = hexOfWords(words);
        const list = wanted.get(hex);
        if (list) list.push({ index: i, keyId: key.id });
        else wanted.set(hex, [{ index: i, keyId: key.id }]);
      }
    }
    if (wanted.size === 0) continue;
    const rows = await queryRows<Row>(matchStatement([...wanted.keys()]));
    const found: (InventoryMatch & { src: number })[] = [];
    for (const row of rows) {
      for (const want of wanted.get(row.fingerprint) ?? []) {
        // A written version without a key id predates pepper generations: any key may have made it.
        const sameKey = row.key_id === want.keyId || (row.src === 0 && row.key_id === null);
        if (!sameKey) continue;
        found.push({
          src: row.src,
          candidateIndex: want.index,
          secretId: row.secret_id,
          providerVersionId: row.provider_version_id,
          versionId: row.version_id,
          severity: row.is_current ? 'current_value' : 'previous_value',
        });
      }
    }
    // A version seen both as a written row and a backfilled fingerprint (or under two keys) is
    // one match; the written row (src 0) says more.
    found.sort((a, b) => a.candidateIndex - b.candidateIndex || a.src - b.src);
    const seen = new Set<string>();
    for (const { src: _src, ...match } of found) {
      const id = `${match.candidateIndex}\u0000${match.secretId}\u0000${match.providerVersionId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      matches.push(match);
    }
  }
  return matches;
}
