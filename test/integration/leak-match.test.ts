// The leak check's inventory lookup against real PostgreSQL: a candidate is matched to the
// secret and version whose keyed fingerprint it has, under the current pepper and earlier
// ones, in written versions and backfilled fingerprints, with current/previous severity;
// the lookup probes the fingerprint indexes.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Prisma } from '@/generated/prisma/client';
import { db, queryRows } from '@/lib/db';
import { currentFingerprintFilter, resetFingerprintFilter } from '@/lib/leak/fingerprint-filter';
import { matchCandidates, matchStatement, MATCH_BATCH_SIZE } from '@/lib/leak/match';
import { LeakScanner } from '@/lib/leak/scanner';
import type { NewFinding } from '@/lib/leak/types';
import { fingerprintWith, keyIdOf } from '@/lib/values/fingerprint';
import { seedConnectedSecret, seedConnection } from '../support/seed';
import { ownerDb, useTestDatabase } from '../support/test-database';

// Read when lib/env.ts first parses the environment (lazily, at the first lookup).
const OLD_PEPPER = 'test-only-previous-pepper-generation-0123456789';
process.env.VALUE_FINGERPRINT_PEPPERS_PREVIOUS = OLD_PEPPER;
useTestDatabase();

const current = () => {
  const pepper = process.env.VALUE_FINGERPRINT_PEPPER!;
  return { id: keyIdOf(pepper), pepper };
};
const previous = { id: keyIdOf(OLD_PEPPER), pepper: OLD_PEPPER };

async function version(secretId: string, connectionId: string, value: string | null, key: { id: string; pepper: string } | null, at: Date, keyIdStored = true) {
  return db.secretVersion.create({
    data: {
      secretId,
      connectionId,
      providerRef: 'ref',
      providerVersionId: `v-${randomBytes(4).toString('hex')}`,
      idempotencyToken: randomUUID(),
      source: 'entered',
      fingerprint: value && key ? fingerprintWith(key, value) : null,
      fingerprintKeyId: value && key && keyIdStored ? key.id : null,
      createdAt: at,
    },
    select: { id: true, providerVersionId: true },
  });
}

const day = (n: number) => new Date(Date.UTC(2026, 10, n));

describe('matchCandidates', () => {
  it('matches current and previous versions, under the current pepper, an earlier one, and rows without a key id', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    const v1 = await version(secret.id, connection.id, 'first-value-aaaa', previous, day(1));
    const v2 = await version(secret.id, connection.id, 'second-value-bbbb', current(), day(2), false);
    const v3 = await version(secret.id, connection.id, 'third-value-cccc', current(), day(3));
    const other = await seedConnectedSecret(connection.id);
    const o1 = await version(other.id, connection.id, 'other-value-dddd', current(), day(1));

    const texts = ['noise-not-a-value', 'third-value-cccc', 'first-value-aaaa', 'second-value-bbbb', 'other-value-dddd', 'third-value-cccc'];
    const matches = await matchCandidates(texts);
    expect(matches).toEqual([
      { candidateIndex: 1, secretId: secret.id, providerVersionId: v3.providerVersionId, versionId: v3.id, severity: 'current_value' },
      { candidateIndex: 2, secretId: secret.id, providerVersionId: v1.providerVersionId, versionId: v1.id, severity: 'previous_value' },
      { candidateIndex: 3, secretId: secret.id, providerVersionId: v2.providerVersionId, versionId: v2.id, severity: 'previous_value' },
      { candidateIndex: 4, secretId: other.id, providerVersionId: o1.providerVersionId, versionId: o1.id, severity: 'current_value' },
      { candidateIndex: 5, secretId: secret.id, providerVersionId: v3.providerVersionId, versionId: v3.id, severity: 'current_value' },
    ]);
  });

  it('does not match a fingerprint stored under another key id', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    // Made under the earlier pepper but labelled with the current key id: no pepper's own fingerprint.
    await db.secretVersion.create({
      data: {
        secretId: secret.id,
        connectionId: connection.id,
        providerRef: 'ref',
        providerVersionId: 'mislabelled',
        idempotencyToken: randomUUID(),
        source: 'entered',
        fingerprint: fingerprintWith(previous, 'mislabelled-value'),
        fingerprintKeyId: current().id,
      },
    });
    expect(await matchCandidates(['mislabelled-value'])).toEqual([]);
  });

  it('matches backfilled fingerprints: current by stage unless a newer version was written, one match when both tables know the version', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    const backfill = (providerVersionId: string, value: string, stage: string, key = current()) =>
      db.providerVersionFingerprint.create({
        data: {
          secretId: secret.id,
          connectionId: connection.id,
          providerVersionId,
          fingerprint: fingerprintWith(key, value),
          keyId: key.id,
          stage,
          recordedAt: day(5),
        },
      });
    await backfill('pv-old', 'backfilled-old-1', 'previous');
    await backfill('pv-cur', 'backfilled-cur-2', 'current', previous);
    expect(await matchCandidates(['backfilled-old-1', 'backfilled-cur-2'])).toEqual([
      { candidateIndex: 0, secretId: secret.id, providerVersionId: 'pv-old', versionId: null, severity: 'previous_value' },
      { candidateIndex: 1, secretId: secret.id, providerVersionId: 'pv-cur', versionId: null, severity: 'current_value' },
    ]);

    // A value written through the dashboard after the backfill makes the backfilled current version previous.
    const written = await version(secret.id, connection.id, 'written-later-3', current(), day(6));
    await backfill(written.providerVersionId, 'written-later-3', 'current');
    expect(await matchCandidates(['backfilled-cur-2', 'written-later-3'])).toEqual([
      { candidateIndex: 0, secretId: secret.id, providerVersionId: 'pv-cur', versionId: null, severity: 'previous_value' },
      { candidateIndex: 1, secretId: secret.id, providerVersionId: written.providerVersionId, versionId: written.id, severity: 'current_value' },
    ]);
  });

  it('splits long candidate lists into batches and finds a match in a later batch', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    const v = await version(secret.id, connection.id, 'late-batch-value', current(), day(1));
    const texts = Array.from({ length: MATCH_BATCH_SIZE + 5 }, (_, i) => `filler-candidate-${i}`);
    texts[MATCH_BATCH_SIZE + 3] = 'late-batch-value';
    expect(await matchCandidates(texts)).toEqual([
      { candidateIndex: MATCH_BATCH_SIZE + 3, secretId: secret.id, providerVersionId: v.providerVersionId, versionId: v.id, severity: 'current_value' },
    ]);
  });

  it('probes the fingerprint indexes of both tables', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    // Enough rows that a sequential scan would be the costlier plan.
    await ownerDb().$executeRaw`
      INSERT INTO secret_versions (id, secret_id, connection_id, provider_ref, provider_version_id, idempotency_token, source, fingerprint, fingerprint_key_id)
      SELECT gen_random_uuid(), ${secret.id}::uuid, ${connection.id}::uuid, 'ref', 'bulk-' || n, gen_random_uuid(), 'entered', sha256(n::text::bytea), ${current().id}
        FROM generate_series(1, 20000) AS n`;
    await ownerDb().$executeRaw`
      INSERT INTO provider_version_fingerprints (secret_id, connection_id, provider_version_id, fingerprint, key_id, stage)
      SELECT ${secret.id}::uuid, ${connection.id}::uuid, 'bulk-' || n, sha256(n::text::bytea), ${current().id}, 'previous'
        FROM generate_series(1, 20000) AS n`;
    await ownerDb().$executeRaw`ANALYZE secret_versions`;
    await ownerDb().$executeRaw`ANALYZE provider_version_fingerprints`;
    const plan = await queryRows<{ 'QUERY PLAN': string }>(
      Prisma.sql`EXPLAIN ${matchStatement(Array.from({ length: 500 }, () => randomBytes(32).toString('hex')))}`,
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/(Index Scan using|Bitmap Index Scan on) secret_versions_fingerprint_idx/);
    expect(text).toMatch(/(Index Scan using|Bitmap Index Scan on) provider_version_fingerprints_fingerprint_idx/);
    // No scan of a whole table per batch (the newest-version checks run per match only).
    expect(text.split('\n').filter((line) => /Seq Scan on (secret_versions|provider_version_fingerprints)(?! n)/.test(line))).toEqual([]);
  });

  it('drives a LeakScanner end to end: a pasted log yields a finding naming the version', async () => {
    const connection = await seedConnection();
    const secret = await seedConnectedSecret(connection.id);
    const v = await version(secret.id, connection.id, 'Canary-7f3e9a1b2c4d', current(), day(1));
    const findings: NewFinding[] = [];
    const scanner = new LeakScanner({ match: matchCandidates, onFindings: (f) => void findings.push(...f) });
    await scanner.addUnit({ text: 'boot ok\nconnecting with AWS_SECRET=Canary-7f3e9a1b2c4d to db\n', location: { path: '', commit: null, authorDate: null } });
    await scanner.finish();
    expect(findings).toEqual([
      {
        severity: 'current_value',
        secretId: secret.id,
        providerVersionId: v.providerVersionId,
        versionId: v.id,
        ruleId: null,
        location: { path: '', line: 2, commit: null, authorDate: null },
        preview: 'AWS_SECRET=•••• (19 chars)',
      },
    ]);
  });

  describe('through the in-memory prefix filter', () => {
    // Loaded again at every call once fingerprints changed (the least interval between loads is 0 here).
    beforeEach(() => resetFingerprintFilter(0));
    afterAll(() => resetFingerprintFilter());
    const changes = async () => (await ownerDb().$queryRaw<{ n: bigint }[]>`SELECT n FROM fingerprint_changes WHERE id = 1`)[0].n;
    const prefixWords = (fingerprint: Uint8Array): [number, number] => {
      const view = new DataView(fingerprint.buffer, fingerprint.byteOffset, 8);
      return [view.getUint32(0), view.getUint32(4)];
    };

    it('matches a version inserted after the filter was loaded at the next call', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      expect(await matchCandidates(['inserted-later-value'])).toEqual([]);
      const loaded = await currentFingerprintFilter();
      expect(loaded?.has(...prefixWords(fingerprintWith(current(), 'inserted-later-value')))).toBe(false);
      const before = await changes();
      const v = await version(secret.id, connection.id, 'inserted-later-value', current(), day(1));
      expect(await changes()).toBeGreaterThan(before);
      expect(await matchCandidates(['inserted-later-value'])).toEqual([
        { candidateIndex: 0, secretId: secret.id, providerVersionId: v.providerVersionId, versionId: v.id, severity: 'current_value' },
      ]);
      expect((await currentFingerprintFilter())?.has(...prefixWords(fingerprintWith(current(), 'inserted-later-value')))).toBe(true);
    });

    it('matches a re-fingerprinted row under its new key, and a backfilled one', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      const v = await version(secret.id, connection.id, 're-fingerprinted-value', previous, day(1));
      const expected = [{ candidateIndex: 0, secretId: secret.id, providerVersionId: v.providerVersionId, versionId: v.id, severity: 'current_value' }];
      expect(await matchCandidates(['re-fingerprinted-value'])).toEqual(expected);
      // The new generation's fingerprint is not in the filter loaded above.
      const newFingerprint = fingerprintWith(current(), 're-fingerprinted-value');
      expect((await currentFingerprintFilter())?.has(...prefixWords(newFingerprint))).toBe(false);
      await db.secretVersion.update({ where: { id: v.id }, data: { fingerprint: newFingerprint, fingerprintKeyId: current().id } });
      expect(await matchCandidates(['re-fingerprinted-value'])).toEqual(expected);
      expect((await currentFingerprintFilter())?.has(...prefixWords(newFingerprint))).toBe(true);

      await db.providerVersionFingerprint.create({
        data: {
          secretId: secret.id,
          connectionId: connection.id,
          providerVersionId: 'pv-backfilled',
          fingerprint: fingerprintWith(current(), 'backfilled-after-load'),
          keyId: current().id,
          stage: 'previous',
        },
      });
      expect(await matchCandidates(['backfilled-after-load'])).toEqual([
        { candidateIndex: 0, secretId: secret.id, providerVersionId: 'pv-backfilled', versionId: null, severity: 'previous_value' },
      ]);
    });

    it('does not report a deleted row', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      const v = await version(secret.id, connection.id, 'deleted-later-value', current(), day(1));
      expect(await matchCandidates(['deleted-later-value'])).toHaveLength(1);
      const before = await changes();
      await ownerDb().secretVersion.delete({ where: { id: v.id } });
      expect(await changes()).toBeGreaterThan(before);
      expect(await matchCandidates(['deleted-later-value'])).toEqual([]);
    });

    it('answers a prefix hit whose whole fingerprint differs with no match', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      const real = fingerprintWith(current(), 'prefix-collision-text');
      // The same first 8 bytes, the other 24 different.
      const collision = new Uint8Array(32).fill(0xab);
      collision.set(real.subarray(0, 8));
      await db.secretVersion.create({
        data: {
          secretId: secret.id,
          connectionId: connection.id,
          providerRef: 'ref',
          providerVersionId: 'collision',
          idempotencyToken: randomUUID(),
          source: 'entered',
          fingerprint: collision,
          fingerprintKeyId: current().id,
        },
      });
      expect((await currentFingerprintFilter())?.has(...prefixWords(real))).toBe(true);
      expect(await matchCandidates(['prefix-collision-text'])).toEqual([]);
    });

    it('looks every fingerprint up while the filter is stale and was loaded less than the interval ago', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      resetFingerprintFilter(3_600_000);
      expect(await matchCandidates(['written-during-scan'])).toEqual([]);
      const v = await version(secret.id, connection.id, 'written-during-scan', current(), day(1));
      expect(await currentFingerprintFilter()).toBeNull();
      expect(await matchCandidates(['written-during-scan'])).toEqual([
        { candidateIndex: 0, secretId: secret.id, providerVersionId: v.providerVersionId, versionId: v.id, severity: 'current_value' },
      ]);
      // Unchanged since the load: the filter again.
      resetFingerprintFilter(3_600_000);
      expect((await currentFingerprintFilter())?.has(...prefixWords(fingerprintWith(current(), 'written-during-scan')))).toBe(true);
    });

    it('looks every fingerprint up when the changes counter is missing', async () => {
      const connection = await seedConnection();
      const secret = await seedConnectedSecret(connection.id);
      await ownerDb().$executeRaw`DELETE FROM fingerprint_changes`;
      try {
        expect(await currentFingerprintFilter()).toBeNull();
        const v = await version(secret.id, connection.id, 'no-counter-value', current(), day(1));
        expect(await matchCandidates(['no-counter-value'])).toEqual([
          { candidateIndex: 0, secretId: secret.id, providerVersionId: v.providerVersionId, versionId: v.id, severity: 'current_value' },
        ]);
      } finally {
        await ownerDb().$executeRaw`INSERT INTO fingerprint_changes (id, n) VALUES (1, 1000)`;
      }
    });
  });
});
