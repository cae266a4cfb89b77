// The soak's consistency check, after the load, the database kill and the server kill:
//   1. every confirmed value write (the action answered ok with a version id) has its
//      version row (same idempotency token and provider version) and its audit event
//      (secret.value_write, success, naming that provider version);
//   2. the provider's versions of each soak secret are exactly the version rows of that
//      secret: nothing the provider holds is unrecorded, nothing recorded is missing there;
//   3. every version row has an audit event naming its provider version (writes the
//      worker's sweep adopted after a crash included);
//   4. every confirmed edit has its secret.update event;
//   5. no pending value write is left unsettled;
//   6. the audit chain verifies (the caller's verifier: npm run audit:verify in the soak).
// Reads only. Problems are listed (at most MAX_LISTED of them) next to the counts.
import type pg from 'pg';

const MAX_LISTED = 20;

export type ConsistencyInput = {
  confirmed: { token: string; secretId: string; versionId: string }[];
  confirmedEdits: Map<string, number>;
  /** The secrets value writes went to, with their provider reference. */
  secrets: { id: string; providerRef: string }[];
  /** The provider's version ids for a reference (undefined: no such secret at the provider). */
  providerVersions: (providerRef: string) => Promise<string[] | undefined> | string[] | undefined;
  verifyChain: () => Promise<{ ok: boolean; message: string }>;
};

export type ConsistencyResult = {
  ok: boolean;
  confirmedWrites: number;
  versionRows: number;
  providerVersions: number;
  pendingWrites: number;
  chain: string;
  problems: string[];
};

export async function checkConsistency(client: pg.ClientBase, input: ConsistencyInput): Promise<ConsistencyResult> {
  const problems: string[] = [];
  let more = 0;
  const problem = (text: string) => (problems.length < MAX_LISTED ? problems.push(text) : more++);
  const secretIds = input.secrets.map((s) => s.id);

  const { rows: versions } = await client.query<{ secret_id: string; token: string; version_id: string; audited: boolean }>(
    `SELECT v.secret_id::text, v.idempotency_token::text AS token, v.provider_version_id AS version_id,
            EXISTS (SELECT 1 FROM audit_events a
                    WHERE a.target_type = 'secret' AND a.target_id = v.secret_id::text AND a.outcome = 'success'
                      AND a.detail::text LIKE '%' || v.provider_version_id || '%') AS audited
       FROM secret_versions v WHERE v.secret_id = ANY($1::uuid[])`,
    [secretIds],
  );
  const byToken = new Map(versions.map((v) => [v.token, v]));
  const { rows: writeEvents } = await client.query<{ version_id: string }>(
    `SELECT detail->>'providerVersionId' AS version_id FROM audit_events
      WHERE action = 'secret.value_write' AND outcome = 'success' AND target_id = ANY($1::text[])`,
    [secretIds],
  );
  const auditedVersions = new Set(writeEvents.map((e) => e.version_id));

  // 1. Confirmed writes.
  for (const w of input.confirmed) {
    const row = byToken.get(w.token);
    if (!row) problem(`confirmed write ${w.token} (secret ${w.secretId}) has no version row`);
    else if (row.version_id !== w.versionId || row.secret_id !== w.secretId)
      problem(`confirmed write ${w.token}: its version row names ${row.version_id}, the action answered ${w.versionId}`);
    if (!auditedVersions.has(w.versionId)) problem(`confirmed write ${w.token} (version ${w.versionId}) has no secret.value_write event`);
  }

  // 2. Provider versions against version rows, per secret.
  let providerCount = 0;
  for (const s of input.secrets) {
    const atProvider = new Set((await input.providerVersions(s.providerRef)) ?? []);
    providerCount += atProvider.size;
    const recorded = new Set(versions.filter((v) => v.secret_id === s.id).map((v) => v.version_id));
    for (const v of atProvider) if (!recorded.has(v)) problem(`provider version ${v} of ${s.providerRef} has no version row`);
    for (const v of recorded) if (!atProvider.has(v)) problem(`version row ${v} of ${s.providerRef} is not at the provider`);
  }

  // 3. Every version row audited.
  for (const v of versions) if (!v.audited) problem(`version row ${v.version_id} (secret ${v.secret_id}) has no audit event naming it`);

  // 4. Confirmed edits.
  if (input.confirmedEdits.size) {
    const { rows } = await client.query<{ target_id: string; n: number }>(
      `SELECT target_id, count(*)::int AS n FROM audit_events
        WHERE action = 'secret.update' AND outcome = 'success' AND target_id = ANY($1::text[]) GROUP BY target_id`,
      [[...input.confirmedEdits.keys()]],
    );
    const events = new Map(rows.map((r) => [r.target_id, r.n]));
    for (const [id, n] of input.confirmedEdits) {
      if ((events.get(id) ?? 0) < n) problem(`secret ${id}: ${n} confirmed edits, ${events.get(id) ?? 0} secret.update events`);
    }
  }

  // 5. Pending writes.
  const { rows: pending } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pending_value_writes');
  if (pending[0].n) problem(`${pending[0].n} pending value writes left unsettled`);

  // 6. The audit chain.
  const chain = await input.verifyChain();
  if (!chain.ok) problem(`audit chain: ${chain.message}`);

  if (more) problems.push(`... and ${more} more`);
  return {
    ok: problems.length === 0,
    confirmedWrites: input.confirmed.length,
    versionRows: versions.length,
    providerVersions: providerCount,
    pendingWrites: pending[0].n,
    chain: chain.message,
    problems,
  };
}
